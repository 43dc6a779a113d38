// Links libdataengine: from $DATAENGINE_LIB_DIR, else the project's build tree. The directory
// is passed on to dependent crates (DEP_DATAENGINE_LIB_DIR), whose programs set an rpath to it.
use std::path::PathBuf;

fn main() {
    let dir = match std::env::var("DATAENGINE_LIB_DIR") {
        Ok(dir) => PathBuf::from(dir),
        Err(_) => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../../build/lib"),
    };
    println!("cargo:rerun-if-env-changed=DATAENGINE_LIB_DIR");
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=dylib=dataengine");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
    println!("cargo:lib_dir={}", dir.display());
}
