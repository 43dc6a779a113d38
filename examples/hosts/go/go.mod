module dataengine.example/hosts

go 1.19
