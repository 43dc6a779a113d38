//! Callbacks at the boundary: a closure that panics or says stop, and a host model that panics,
//! each end the library call with an Error (DE_EABORTED) instead of unwinding into C.
use std::ffi::CString;

use dataengine::{check_abi, world_options, Dataset, DatasetView, HostModel, Model, Sample, World};

fn tiny_world(dir: &std::path::Path) -> World {
    check_abi().unwrap();
    let counts = CString::new("scene=6,identity=0,attribute=0,location=0,counting=0,spatial relation=0,interaction=0,reasoning=0,text=0").unwrap();
    let mut o = world_options();
    o.per_type = 2;
    o.pool_images = 4;
    o.caption_images = 1;
    o.seed_counts = counts.as_ptr();
    let world = World::new(&o).unwrap();
    world.write(dir.to_str().unwrap(), None).unwrap();
    world
}

#[test]
fn a_progress_closure_that_panics_or_stops_ends_the_call_with_an_error() {
    let dir = std::env::temp_dir().join(format!("de-rust-callbacks-{}", std::process::id()));
    let world = tiny_world(&dir);
    let target = dir.join("again");
    let mut boom = |_: &str, _: i64, _: i64| -> bool { panic!("boom") };
    let e = world.write(target.to_str().unwrap(), Some(&mut boom)).unwrap_err();
    assert_eq!(e.status, -7);
    assert!(e.message.contains("progress callback panicked: boom"), "{}", e);
    let mut stop = |_: &str, _: i64, _: i64| false;
    let e = world.write(target.to_str().unwrap(), Some(&mut stop)).unwrap_err();
    assert_eq!(e.status, -7, "{}", e);
    std::fs::remove_dir_all(&dir).ok();
}

struct Panicking;

impl HostModel for Panicking {
    fn score(&mut self, _: &Sample, _: &[u8], _: i32, _: i32) -> Vec<f64> {
        panic!("score is broken")
    }
    fn train(&mut self, _: &[(DatasetView, f64)], _: &mut dyn FnMut(i64, i64) -> bool) -> Result<f64, String> {
        Err("cannot learn".into())
    }
    fn embed(&mut self, _: &[u8], _: i32, _: i32) -> Vec<f32> {
        vec![1.0; 3]
    }
    fn embedding_dim(&self) -> usize {
        3
    }
}

#[test]
fn a_host_model_that_panics_or_fails_ends_the_call_with_an_error() {
    let dir = std::env::temp_dir().join(format!("de-rust-host-{}", std::process::id()));
    let _world = tiny_world(&dir);
    let test = Dataset::load(dir.join("test.jsonl").to_str().unwrap()).unwrap();
    let mut model = Model::from_host(Box::new(Panicking)).unwrap();
    let e = model.evaluate(&test, "test").err().expect("a panicking score fails the evaluation");
    assert_eq!(e.status, -7);
    assert!(e.message.contains("score callback returned 2"), "{}", e);
    let e = model.train(&[(&test, 1.0)], &dataengine::train_options()).unwrap_err();
    assert!(e.message.contains("train callback returned 1"), "{}", e);
    assert_eq!(model.embed_sample(&test, 0).unwrap().len(), 3);
    std::fs::remove_dir_all(&dir).ok();
}
