//! The raw C ABI of `capi/dataengine.h` (the part these examples use), written once by hand.
//!
//! Every declaration goes through `c_api!` / `c_structs!`, which also keep its Rust text, so
//! `tests/header.rs` can check it against the header's own declarations (capi/abi/): a renamed
//! parameter, a changed type or a reordered field fails the test.
#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_int, c_void};

/// What these declarations were written from; `crate::check_abi` compares it with the library.
pub const DE_ABI_VERSION: i32 = 1;

pub type de_status = i32;
pub const DE_OK: de_status = 0;
pub const DE_EABORTED: de_status = -7;

pub const DE_FORMAT_JSONL: i32 = 0;
pub const DE_SOURCE_QUESTIONS: i32 = 0;
pub const DE_PHASE_EVALUATE: i32 = 1;
pub const DE_PHASE_DONE: i32 = 4;

macro_rules! opaque {
    ($($name:ident),*) => { $( #[repr(C)] pub struct $name { _private: [u8; 0] } )* };
}
opaque!(de_dataset_t, de_report_t, de_world_t, de_model_t, de_pool_t, de_plan_t, de_generation_t, de_loop_t,
        de_dataset_options, de_llm_reply_t);

/// A function-pointer typedef: (name, return type, parameters) as written in Rust.
pub type Signature = (&'static str, &'static str, &'static [(&'static str, &'static str)]);

macro_rules! c_fn_types {
    ($( type $name:ident = fn( $( $arg:ident : $ty:ty ),* ) -> $ret:ty; )*) => {
        $( pub type $name = Option<unsafe extern "C" fn( $( $arg : $ty ),* ) -> $ret>; )*
        pub const FN_TYPES: &[Signature] = &[ $( (stringify!($name), stringify!($ret), &[ $( (stringify!($arg), stringify!($ty)) ),* ]) ),* ];
    };
}

c_fn_types! {
    type de_progress_fn = fn(phase: *const c_char, done: i64, total: i64, user_data: *mut c_void) -> c_int;
    type de_llm_fn = fn(request_json: *const c_char, reply: *mut de_llm_reply_t, user_data: *mut c_void) -> i32;
}

macro_rules! c_structs {
    ($( struct $name:ident { $( $field:ident : $ty:ty ),* $(,)? } )*) => {
        $( #[repr(C)] #[derive(Clone, Copy)] pub struct $name { $( pub $field : $ty ),* } )*
        pub const STRUCTS: &[(&str, &[(&str, &str)])] = &[ $( (stringify!($name), &[ $( (stringify!($field), stringify!($ty)) ),* ]) ),* ];
    };
}

c_structs! {
    struct de_score { n: i64, correct: i64, accuracy: f64 }
    struct de_sample_info {
        struct_size: usize, id: *const c_char, question: *const c_char, hint: *const c_char, r#type: *const c_char,
        parent_type: *const c_char, option_count: usize, answer: i32, image_kind: i32, image_path: *const c_char,
        circular_group: *const c_char, rotation: i32, direct_answer_count: usize, rationale_count: usize,
    }
    struct de_evaluator_options { struct_size: usize, circular: i32, benchmark: *const c_char }
    struct de_world_options {
        struct_size: usize, seed: u64, image_size: i32, per_type: i32, pool_images: i32, caption_images: i32,
        circular: i32, seed_counts: *const c_char,
    }
    struct de_train_options {
        struct_size: usize, steps: i32, batch_size: i32, learning_rate: f64, weight_decay: f64, warmup_steps: i32,
        grad_clip: f64, seed: u64, threads: i32, with_rationale: i32, progress: de_progress_fn,
        progress_user_data: *mut c_void, grounding_weight: f64,
    }
    struct de_train_source { data: *const de_dataset_t, kind: i32, weight: f64 }
    struct de_host_model {
        struct_size: usize,
        user_data: *mut c_void,
        score: Option<unsafe extern "C" fn(data: *const de_dataset_t, index: usize, rgb: *const u8, width: i32, height: i32,
                                           out_scores: *mut f64, option_count: usize, user_data: *mut c_void) -> i32>,
        train: Option<unsafe extern "C" fn(sources: *const de_train_source, count: usize, options: *const de_train_options,
                                           out_final_loss: *mut f64, user_data: *mut c_void) -> i32>,
        embed: Option<unsafe extern "C" fn(rgb: *const u8, width: i32, height: i32, out: *mut f32, dim: usize,
                                           user_data: *mut c_void) -> i32>,
        embedding_dim: usize,
        save: Option<unsafe extern "C" fn(dir: *const c_char, user_data: *mut c_void) -> i32>,
        release: Option<unsafe extern "C" fn(user_data: *mut c_void) -> ()>,
    }
    struct de_abs_options {
        struct_size: usize, preset: *const c_char, budget: i32, seed: u64, examples_per_query: i32,
        duplicate_similarity: f64, top_k: i32, explore_every: i32, max_objects: i32, gains_json: *const c_char,
        example_ids: *const *const c_char, example_embeddings: *const f32, example_count: usize, embedding_dim: usize,
        used_images: *const *const c_char, used_count: usize, gamma: f64, weight_floor: f64, temperature: f64,
        min_bad_cases: i32, prior_gain: f64, gain_floor: f64, gain_memory: f64, shrink_gains: i32,
    }
    struct de_plan_query { r#type: *const c_char, image_id: *const c_char, example_count: usize, reason: i32, similarity: f64 }
    struct de_gen_options {
        struct_size: usize, backend: i32, llm: de_llm_fn, llm_user_data: *mut c_void, command: *const c_char,
        timeout_seconds: f64, world: *const de_world_t, mistake_rate: f64, concurrency: i32, retries: i32,
        backoff_seconds: f64, require_rationale: i32, round: i32, seed: u64, id_prefix: *const c_char,
    }
    struct de_loop_options {
        struct_size: usize, state_dir: *const c_char, world_dir: *const c_char, world_seed: u64, strategy: *const c_char,
        rounds: i32, budget: i32, seed_steps: i32, round_steps: i32, seed: u64, threads: i32, mistake_rate: f64,
        stage1_steps: i32, model_dim: i32, world_scale_percent: i32, ipo: i32, ipo_batch: i32, ipo_rounds: i32,
        verify_answers: i32, seed_curve_gains: i32,
    }
}

macro_rules! c_api {
    (@ret) => { "void" };
    (@ret $ret:ty) => { stringify!($ret) };
    ($( fn $name:ident ( $( $arg:ident : $ty:ty ),* ) $( -> $ret:ty )? ; )*) => {
        #[link(name = "dataengine")]
        extern "C" { $( pub fn $name( $( $arg : $ty ),* ) $( -> $ret )?; )* }
        pub const FUNCTIONS: &[Signature] = &[ $( (stringify!($name), c_api!(@ret $($ret)?), &[ $( (stringify!($arg), stringify!($ty)) ),* ]) ),* ];
    };
}

c_api! {
    fn de_version() -> *const c_char;
    fn de_abi_version() -> i32;
    fn de_last_error() -> *const c_char;
    fn de_string_free(string: *mut c_char);

    fn de_dataset_load(path: *const c_char, format: i32, options: *const de_dataset_options, out: *mut *mut de_dataset_t) -> de_status;
    fn de_dataset_free(dataset: *mut de_dataset_t);
    fn de_dataset_count(dataset: *const de_dataset_t, out: *mut usize) -> de_status;
    fn de_dataset_find(dataset: *const de_dataset_t, id: *const c_char, out_index: *mut usize) -> de_status;
    fn de_dataset_sample(dataset: *const de_dataset_t, index: usize, out: *mut de_sample_info) -> de_status;
    fn de_dataset_option(dataset: *const de_dataset_t, index: usize, k: usize, out: *mut *const c_char) -> de_status;
    fn de_dataset_image_rgb(dataset: *const de_dataset_t, index: usize, out: *mut u8, capacity: usize, out_width: *mut i32,
                            out_height: *mut i32) -> de_status;

    fn de_evaluator_options_init(options: *mut de_evaluator_options, struct_size: usize) -> de_status;
    fn de_report_free(report: *mut de_report_t);
    fn de_report_overall(report: *const de_report_t, out: *mut de_score) -> de_status;
    fn de_report_type_count(report: *const de_report_t, out: *mut usize) -> de_status;
    fn de_report_type_name(report: *const de_report_t, i: usize, out: *mut *const c_char) -> de_status;
    fn de_report_type_score(report: *const de_report_t, r#type: *const c_char, out: *mut de_score) -> de_status;
    fn de_report_bad_case_count(report: *const de_report_t, r#type: *const c_char, out: *mut usize) -> de_status;
    fn de_report_bad_case(report: *const de_report_t, r#type: *const c_char, i: usize, out: *mut *const c_char) -> de_status;

    fn de_world_options_init(options: *mut de_world_options, struct_size: usize) -> de_status;
    fn de_world_create(options: *const de_world_options, out: *mut *mut de_world_t) -> de_status;
    fn de_world_free(world: *mut de_world_t);
    fn de_world_write(world: *const de_world_t, dir: *const c_char, progress: de_progress_fn, user_data: *mut c_void) -> de_status;
    fn de_world_pool(world: *const de_world_t, world_dir: *const c_char, out: *mut *mut de_pool_t) -> de_status;

    fn de_train_options_init(options: *mut de_train_options, struct_size: usize) -> de_status;
    fn de_pretrain_options_init(options: *mut de_train_options, struct_size: usize) -> de_status;
    fn de_model_free(model: *mut de_model_t);
    fn de_model_train(model: *mut de_model_t, sources: *const de_train_source, count: usize, options: *const de_train_options,
                      out_final_loss: *mut f64) -> de_status;
    fn de_model_evaluate(model: *mut de_model_t, benchmark: *const de_dataset_t, options: *const de_evaluator_options,
                         out: *mut *mut de_report_t) -> de_status;
    fn de_model_embed_sample(model: *mut de_model_t, data: *const de_dataset_t, index: usize, out: *mut f32, capacity: usize,
                             out_dim: *mut usize) -> de_status;
    fn de_host_model_init(host: *mut de_host_model, struct_size: usize) -> de_status;
    fn de_model_from_host(host: *const de_host_model, out: *mut *mut de_model_t) -> de_status;

    fn de_pool_free(pool: *mut de_pool_t);
    fn de_pool_embed(pool: *mut de_pool_t, model: *mut de_model_t, progress: de_progress_fn, user_data: *mut c_void) -> de_status;

    fn de_abs_options_init(options: *mut de_abs_options, struct_size: usize) -> de_status;
    fn de_abs_plan(report: *const de_report_t, benchmark: *const de_dataset_t, pool: *const de_pool_t, options: *const de_abs_options,
                   out: *mut *mut de_plan_t) -> de_status;
    fn de_plan_free(plan: *mut de_plan_t);
    fn de_plan_query_count(plan: *const de_plan_t, out: *mut usize) -> de_status;
    fn de_plan_get_query(plan: *const de_plan_t, i: usize, out: *mut de_plan_query) -> de_status;

    fn de_gen_options_init(options: *mut de_gen_options, struct_size: usize) -> de_status;
    fn de_generate(plan: *const de_plan_t, benchmark: *const de_dataset_t, pool: *const de_pool_t, existing: *const de_dataset_t,
                   options: *const de_gen_options, progress: de_progress_fn, user_data: *mut c_void,
                   out: *mut *mut de_generation_t) -> de_status;
    fn de_generation_free(generation: *mut de_generation_t);
    fn de_generation_samples(generation: *const de_generation_t, out: *mut *mut de_dataset_t) -> de_status;

    fn de_loop_options_init(options: *mut de_loop_options, struct_size: usize) -> de_status;
    fn de_loop_create(options: *const de_loop_options, out: *mut *mut de_loop_t) -> de_status;
    fn de_loop_free(r#loop: *mut de_loop_t);
    fn de_loop_position(r#loop: *const de_loop_t, out_round: *mut i32, out_phase: *mut i32) -> de_status;
    fn de_loop_step_phase(r#loop: *mut de_loop_t, progress: de_progress_fn, user_data: *mut c_void, out_ran: *mut i32) -> de_status;
    fn de_loop_report(r#loop: *const de_loop_t, round: i32, which: i32, out: *mut *mut de_report_t) -> de_status;
    fn de_loop_summary_json(r#loop: *const de_loop_t, out: *mut *mut c_char) -> de_status;
    fn de_loop_write_reports(r#loop: *const de_loop_t) -> de_status;
}
