// The example programs find libdataengine at run time where dataengine-sys linked it.
fn main() {
    if let Ok(dir) = std::env::var("DEP_DATAENGINE_LIB_DIR") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir);
    }
}
