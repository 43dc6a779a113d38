//! dataengine from Rust: a safe wrapper over the C ABI ([`sys`]).
//!
//! Handles are owned types released on `Drop`; every failed call is an [`Error`] carrying the
//! library's message (read on the same thread, right after the call); callbacks are closures,
//! and a panic inside one is caught at the boundary, turned into "stop" for the library, and
//! reported as an `Error` by the call that ran it. Call [`check_abi`] once at start.
pub use dataengine_sys as sys;

use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

#[derive(Debug, Clone)]
pub struct Error {
    pub status: i32,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} (status {})", self.message, self.status)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

fn check(status: sys::de_status, what: &str) -> Result<()> {
    if status == sys::DE_OK {
        return Ok(());
    }
    let message = unsafe { CStr::from_ptr(sys::de_last_error()) }.to_string_lossy().into_owned();
    Err(Error { status, message: format!("{}: {}", what, message) })
}

fn c_string(text: &str) -> CString {
    CString::new(text).expect("no NUL inside strings given to dataengine")
}

unsafe fn borrowed(text: *const c_char) -> String {
    if text.is_null() {
        String::new()
    } else {
        CStr::from_ptr(text).to_string_lossy().into_owned()
    }
}

/// Fails when the library loaded is not the ABI these declarations were written for.
pub fn check_abi() -> Result<()> {
    let found = unsafe { sys::de_abi_version() };
    if found != sys::DE_ABI_VERSION {
        return Err(Error {
            status: -1,
            message: format!("libdataengine has ABI version {}, this crate was written for {}: rebuild against the installed header",
                             found, sys::DE_ABI_VERSION),
        });
    }
    Ok(())
}

pub fn version() -> String {
    unsafe { borrowed(sys::de_version()) }
}

/// Options structs: the library's defaults, with struct_size set for this crate's version.
macro_rules! init_options {
    ($fn_name:ident, $ty:ty, $init:ident) => {
        pub fn $fn_name() -> $ty {
            let mut o: $ty = unsafe { std::mem::zeroed() };
            check(unsafe { sys::$init(&mut o, std::mem::size_of::<$ty>()) }, stringify!($init)).expect("options init");
            o
        }
    };
}
init_options!(world_options, sys::de_world_options, de_world_options_init);
init_options!(train_options, sys::de_train_options, de_train_options_init);
init_options!(pretrain_options, sys::de_train_options, de_pretrain_options_init);
init_options!(abs_options, sys::de_abs_options, de_abs_options_init);
init_options!(gen_options, sys::de_gen_options, de_gen_options_init);
init_options!(loop_options, sys::de_loop_options, de_loop_options_init);

// ---------------------------------------------------------------------------------------------
// Progress callbacks: a closure behind a trampoline; a panic stops the work and is reported.

struct Progress<'a> {
    f: &'a mut dyn FnMut(&str, i64, i64) -> bool,
    panic: Option<String>,
}

unsafe extern "C" fn progress_trampoline(phase: *const c_char, done: i64, total: i64, user_data: *mut c_void) -> c_int {
    let p = &mut *(user_data as *mut Progress);
    let phase = borrowed(phase);
    match catch_unwind(AssertUnwindSafe(|| (p.f)(&phase, done, total))) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(payload) => {
            p.panic = Some(panic_message(&payload));
            1
        }
    }
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

/// Runs `call` with the closure as a C progress callback (keep going while it returns true).
fn with_progress<F>(progress: Option<&mut dyn FnMut(&str, i64, i64) -> bool>, call: F, what: &str) -> Result<()>
where
    F: FnOnce(sys::de_progress_fn, *mut c_void) -> sys::de_status,
{
    let status = match progress {
        None => call(None, ptr::null_mut()),
        Some(f) => {
            let mut p = Progress { f, panic: None };
            let status = call(Some(progress_trampoline), &mut p as *mut Progress as *mut c_void);
            if let Some(message) = p.panic {
                return Err(Error { status: sys::DE_EABORTED, message: format!("{}: progress callback panicked: {}", what, message) });
            }
            status
        }
    };
    check(status, what)
}

macro_rules! handle {
    ($name:ident, $raw:ty, $free:ident) => {
        pub struct $name {
            raw: *mut $raw,
        }
        impl Drop for $name {
            fn drop(&mut self) {
                unsafe { sys::$free(self.raw) }
            }
        }
    };
}

handle!(World, sys::de_world_t, de_world_free);
handle!(Dataset, sys::de_dataset_t, de_dataset_free);
handle!(Report, sys::de_report_t, de_report_free);
handle!(Pool, sys::de_pool_t, de_pool_free);
handle!(Plan, sys::de_plan_t, de_plan_free);
handle!(Generation, sys::de_generation_t, de_generation_free);
handle!(Loop, sys::de_loop_t, de_loop_free);

impl World {
    pub fn new(options: &sys::de_world_options) -> Result<World> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::de_world_create(options, &mut raw) }, "de_world_create")?;
        Ok(World { raw })
    }
    pub fn write(&self, dir: &str, progress: Option<&mut dyn FnMut(&str, i64, i64) -> bool>) -> Result<()> {
        let dir_c = c_string(dir);
        with_progress(progress, |f, u| unsafe { sys::de_world_write(self.raw, dir_c.as_ptr(), f, u) }, &format!("writing the world to {}", dir))
    }
    pub fn pool(&self, dir: &str) -> Result<Pool> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::de_world_pool(self.raw, c_string(dir).as_ptr(), &mut raw) }, "de_world_pool")?;
        Ok(Pool { raw })
    }
    pub fn raw(&self) -> *const sys::de_world_t {
        self.raw
    }
}

/// A dataset as a callback sees it: borrowed from the library for the length of the call.
#[derive(Clone, Copy)]
pub struct DatasetView {
    raw: *const sys::de_dataset_t,
}

/// One question, read through the C ABI.
pub struct Sample {
    pub id: String,
    pub question: String,
    pub kind: String,
    pub options: Vec<String>,
    pub answer: Option<usize>,
}

impl DatasetView {
    pub fn len(&self) -> Result<usize> {
        let mut n = 0;
        check(unsafe { sys::de_dataset_count(self.raw, &mut n) }, "de_dataset_count")?;
        Ok(n)
    }
    pub fn sample(&self, index: usize) -> Result<Sample> {
        let mut info: sys::de_sample_info = unsafe { std::mem::zeroed() };
        info.struct_size = std::mem::size_of::<sys::de_sample_info>();
        check(unsafe { sys::de_dataset_sample(self.raw, index, &mut info) }, "de_dataset_sample")?;
        let mut options = Vec::new();
        for k in 0..info.option_count {
            let mut text = ptr::null();
            check(unsafe { sys::de_dataset_option(self.raw, index, k, &mut text) }, "de_dataset_option")?;
            options.push(unsafe { borrowed(text) });
        }
        Ok(Sample {
            id: unsafe { borrowed(info.id) },
            question: unsafe { borrowed(info.question) },
            kind: unsafe { borrowed(info.r#type) },
            options,
            answer: if info.answer >= 0 { Some(info.answer as usize) } else { None },
        })
    }
    /// The sample's image as RGB bytes, width, height.
    pub fn image(&self, index: usize) -> Result<(Vec<u8>, i32, i32)> {
        let (mut w, mut h) = (0, 0);
        check(unsafe { sys::de_dataset_image_rgb(self.raw, index, ptr::null_mut(), 0, &mut w, &mut h) }, "de_dataset_image_rgb")?;
        let mut rgb = vec![0u8; (w * h * 3) as usize];
        check(unsafe { sys::de_dataset_image_rgb(self.raw, index, rgb.as_mut_ptr(), rgb.len(), &mut w, &mut h) }, "de_dataset_image_rgb")?;
        Ok((rgb, w, h))
    }
}

impl Dataset {
    pub fn load(path: &str) -> Result<Dataset> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::de_dataset_load(c_string(path).as_ptr(), sys::DE_FORMAT_JSONL, ptr::null(), &mut raw) },
              &format!("loading {}", path))?;
        Ok(Dataset { raw })
    }
    pub fn view(&self) -> DatasetView {
        DatasetView { raw: self.raw }
    }
    pub fn len(&self) -> Result<usize> {
        self.view().len()
    }
    pub fn find(&self, id: &str) -> Result<usize> {
        let mut index = 0;
        check(unsafe { sys::de_dataset_find(self.raw, c_string(id).as_ptr(), &mut index) }, &format!("finding '{}'", id))?;
        Ok(index)
    }
}

impl Report {
    pub fn overall(&self) -> Result<f64> {
        let mut s = sys::de_score { n: 0, correct: 0, accuracy: 0.0 };
        check(unsafe { sys::de_report_overall(self.raw, &mut s) }, "de_report_overall")?;
        Ok(s.accuracy)
    }
    /// (type, accuracy) in the report's sorted order.
    pub fn by_type(&self) -> Result<Vec<(String, f64)>> {
        let mut n = 0;
        check(unsafe { sys::de_report_type_count(self.raw, &mut n) }, "de_report_type_count")?;
        let mut out = Vec::new();
        for i in 0..n {
            let mut name = ptr::null();
            let mut s = sys::de_score { n: 0, correct: 0, accuracy: 0.0 };
            check(unsafe { sys::de_report_type_name(self.raw, i, &mut name) }, "de_report_type_name")?;
            check(unsafe { sys::de_report_type_score(self.raw, name, &mut s) }, "de_report_type_score")?;
            out.push((unsafe { borrowed(name) }, s.accuracy));
        }
        Ok(out)
    }
    pub fn bad_cases(&self, kind: &str) -> Result<Vec<String>> {
        let kind_c = c_string(kind);
        let mut n = 0;
        check(unsafe { sys::de_report_bad_case_count(self.raw, kind_c.as_ptr(), &mut n) }, "de_report_bad_case_count")?;
        (0..n)
            .map(|i| {
                let mut id = ptr::null();
                check(unsafe { sys::de_report_bad_case(self.raw, kind_c.as_ptr(), i, &mut id) }, "de_report_bad_case")?;
                Ok(unsafe { borrowed(id) })
            })
            .collect()
    }
    /// "round R test: type acc | ... | overall acc", as `dataengine loop` prints it.
    pub fn figures_line(&self, round: i32) -> Result<String> {
        let mut line = format!("round {} test:", round);
        for (name, accuracy) in self.by_type()? {
            line += &format!(" {} {:.1} |", name, 100.0 * accuracy);
        }
        Ok(line + &format!(" overall {:.1}", 100.0 * self.overall()?))
    }
}

// ---------------------------------------------------------------------------------------------
// Models: the built-in one, or the host's own through the HostModel trait.

/// A model the host built. The engine scores questions, embeds images and trains through it.
pub trait HostModel {
    /// A score per option (higher = more likely) for one question and its image.
    fn score(&mut self, sample: &Sample, rgb: &[u8], width: i32, height: i32) -> Vec<f64>;
    /// Continue training on the sources (dataset, weight); call `progress(done, total)`, which
    /// returns false when the engine asks to stop. Returns the final loss.
    fn train(&mut self, sources: &[(DatasetView, f64)], progress: &mut dyn FnMut(i64, i64) -> bool) -> std::result::Result<f64, String>;
    fn embed(&mut self, rgb: &[u8], width: i32, height: i32) -> Vec<f32>;
    fn embedding_dim(&self) -> usize;
}

pub struct Model {
    raw: *mut sys::de_model_t,
}

impl Drop for Model {
    fn drop(&mut self) {
        unsafe { sys::de_model_free(self.raw) }
    }
}

type BoxedHost = Box<dyn HostModel>;

/// Runs a host callback body, turning a panic or an error into a non-zero code for C.
fn host_call<F: FnOnce(&mut BoxedHost) -> std::result::Result<(), String>>(user_data: *mut c_void, name: &str, f: F) -> i32 {
    let host = unsafe { &mut *(user_data as *mut BoxedHost) };
    match catch_unwind(AssertUnwindSafe(|| f(host))) {
        Ok(Ok(())) => 0,
        Ok(Err(message)) => {
            eprintln!("host model {}: {}", name, message);
            1
        }
        Err(payload) => {
            eprintln!("host model {} panicked: {}", name, panic_message(&payload));
            2
        }
    }
}

unsafe extern "C" fn host_score(data: *const sys::de_dataset_t, index: usize, rgb: *const u8, width: i32, height: i32,
                                out_scores: *mut f64, option_count: usize, user_data: *mut c_void) -> i32 {
    host_call(user_data, "score", |host| {
        let sample = DatasetView { raw: data }.sample(index).map_err(|e| e.to_string())?;
        let pixels = if rgb.is_null() { &[][..] } else { std::slice::from_raw_parts(rgb, (width * height * 3) as usize) };
        let scores = host.score(&sample, pixels, width, height);
        if scores.len() != option_count {
            return Err(format!("{} scores for {} options", scores.len(), option_count));
        }
        std::slice::from_raw_parts_mut(out_scores, option_count).copy_from_slice(&scores);
        Ok(())
    })
}

unsafe extern "C" fn host_train(sources: *const sys::de_train_source, count: usize, options: *const sys::de_train_options,
                                out_final_loss: *mut f64, user_data: *mut c_void) -> i32 {
    host_call(user_data, "train", |host| {
        let list: Vec<(DatasetView, f64)> =
            std::slice::from_raw_parts(sources, count).iter().map(|s| (DatasetView { raw: s.data }, s.weight)).collect();
        let o = &*options;
        let mut progress = |done: i64, total: i64| match o.progress {
            Some(f) => f(b"train\0".as_ptr() as *const c_char, done, total, o.progress_user_data) == 0,
            None => true,
        };
        *out_final_loss = host.train(&list, &mut progress)?;
        Ok(())
    })
}

unsafe extern "C" fn host_embed(rgb: *const u8, width: i32, height: i32, out: *mut f32, dim: usize, user_data: *mut c_void) -> i32 {
    host_call(user_data, "embed", |host| {
        let v = host.embed(std::slice::from_raw_parts(rgb, (width * height * 3) as usize), width, height);
        if v.len() != dim {
            return Err(format!("{} values for dimension {}", v.len(), dim));
        }
        std::slice::from_raw_parts_mut(out, dim).copy_from_slice(&v);
        Ok(())
    })
}

unsafe extern "C" fn host_release(user_data: *mut c_void) {
    drop(Box::from_raw(user_data as *mut BoxedHost));
}

impl Model {
    pub fn from_host(host: Box<dyn HostModel>) -> Result<Model> {
        let dim = host.embedding_dim();
        let user_data = Box::into_raw(Box::new(host)) as *mut c_void;
        let mut h: sys::de_host_model = unsafe { std::mem::zeroed() };
        check(unsafe { sys::de_host_model_init(&mut h, std::mem::size_of::<sys::de_host_model>()) }, "de_host_model_init")?;
        h.user_data = user_data;
        h.score = Some(host_score);
        h.train = Some(host_train);
        h.embed = Some(host_embed);
        h.embedding_dim = dim;
        h.release = Some(host_release);
        let mut raw = ptr::null_mut();
        if let Err(e) = check(unsafe { sys::de_model_from_host(&h, &mut raw) }, "de_model_from_host") {
            unsafe { host_release(user_data) };
            return Err(e);
        }
        Ok(Model { raw })
    }
    pub fn train(&mut self, sources: &[(&Dataset, f64)], options: &sys::de_train_options) -> Result<f64> {
        let list: Vec<sys::de_train_source> =
            sources.iter().map(|(d, w)| sys::de_train_source { data: d.raw, kind: sys::DE_SOURCE_QUESTIONS, weight: *w }).collect();
        let mut loss = 0.0;
        check(unsafe { sys::de_model_train(self.raw, list.as_ptr(), list.len(), options, &mut loss) }, "de_model_train")?;
        Ok(loss)
    }
    pub fn evaluate(&mut self, benchmark: &Dataset, name: &str) -> Result<Report> {
        let mut o: sys::de_evaluator_options = unsafe { std::mem::zeroed() };
        check(unsafe { sys::de_evaluator_options_init(&mut o, std::mem::size_of::<sys::de_evaluator_options>()) }, "de_evaluator_options_init")?;
        let name_c = c_string(name);
        o.circular = 1;
        o.benchmark = name_c.as_ptr();
        let mut raw = ptr::null_mut();
        check(unsafe { sys::de_model_evaluate(self.raw, benchmark.raw, &o, &mut raw) }, "de_model_evaluate")?;
        Ok(Report { raw })
    }
    pub fn embed_sample(&mut self, data: &Dataset, index: usize) -> Result<Vec<f32>> {
        let mut out = vec![0f32; 4096];
        let mut dim = 0;
        check(unsafe { sys::de_model_embed_sample(self.raw, data.raw, index, out.as_mut_ptr(), out.len(), &mut dim) }, "de_model_embed_sample")?;
        out.truncate(dim);
        Ok(out)
    }
}

impl Pool {
    pub fn embed(&mut self, model: &mut Model, progress: Option<&mut dyn FnMut(&str, i64, i64) -> bool>) -> Result<()> {
        with_progress(progress, |f, u| unsafe { sys::de_pool_embed(self.raw, model.raw, f, u) }, "de_pool_embed")
    }
}

impl Plan {
    /// ABS: `examples` are (bad-case id, embedding) for similar-image queries; `used` pool ids
    /// are not planned again.
    pub fn make(report: &Report, benchmark: &Dataset, pool: &Pool, preset: Option<&str>, budget: i32, seed: u64,
                examples: &[(String, Vec<f32>)], used: &[String]) -> Result<Plan> {
        let mut o = abs_options();
        let preset_c = preset.map(c_string);
        if let Some(p) = &preset_c {
            o.preset = p.as_ptr();
        }
        o.budget = budget;
        o.seed = seed;
        let ids: Vec<CString> = examples.iter().map(|(id, _)| c_string(id)).collect();
        let id_ptrs: Vec<*const c_char> = ids.iter().map(|c| c.as_ptr()).collect();
        let vectors: Vec<f32> = examples.iter().flat_map(|(_, v)| v.iter().copied()).collect();
        let used_c: Vec<CString> = used.iter().map(|u| c_string(u)).collect();
        let used_ptrs: Vec<*const c_char> = used_c.iter().map(|c| c.as_ptr()).collect();
        o.example_ids = id_ptrs.as_ptr();
        o.example_embeddings = vectors.as_ptr();
        o.example_count = examples.len();
        o.embedding_dim = examples.first().map_or(0, |(_, v)| v.len());
        o.used_images = used_ptrs.as_ptr();
        o.used_count = used_ptrs.len();
        let mut raw = ptr::null_mut();
        check(unsafe { sys::de_abs_plan(report.raw, benchmark.raw, pool.raw, &o, &mut raw) }, "de_abs_plan")?;
        Ok(Plan { raw })
    }
    /// (type, pool image id) of each query.
    pub fn queries(&self) -> Result<Vec<(String, String)>> {
        let mut n = 0;
        check(unsafe { sys::de_plan_query_count(self.raw, &mut n) }, "de_plan_query_count")?;
        (0..n)
            .map(|i| {
                let mut q: sys::de_plan_query = unsafe { std::mem::zeroed() };
                check(unsafe { sys::de_plan_get_query(self.raw, i, &mut q) }, "de_plan_get_query")?;
                Ok(unsafe { (borrowed(q.r#type), borrowed(q.image_id)) })
            })
            .collect()
    }
}

impl Generation {
    pub fn run(plan: &Plan, benchmark: &Dataset, pool: &Pool, options: &sys::de_gen_options,
               progress: Option<&mut dyn FnMut(&str, i64, i64) -> bool>) -> Result<Generation> {
        let mut raw = ptr::null_mut();
        with_progress(progress, |f, u| unsafe { sys::de_generate(plan.raw, benchmark.raw, pool.raw, ptr::null(), options, f, u, &mut raw) },
                      "de_generate")?;
        Ok(Generation { raw })
    }
    pub fn samples(&self) -> Result<Dataset> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::de_generation_samples(self.raw, &mut raw) }, "de_generation_samples")?;
        Ok(Dataset { raw })
    }
}

impl Loop {
    pub fn new(options: &sys::de_loop_options) -> Result<Loop> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::de_loop_create(options, &mut raw) }, "de_loop_create")?;
        Ok(Loop { raw })
    }
    /// (round, phase) of the next phase; phase == sys::DE_PHASE_DONE at the end.
    pub fn position(&self) -> Result<(i32, i32)> {
        let (mut round, mut phase) = (0, 0);
        check(unsafe { sys::de_loop_position(self.raw, &mut round, &mut phase) }, "de_loop_position")?;
        Ok((round, phase))
    }
    pub fn step_phase(&mut self, progress: Option<&mut dyn FnMut(&str, i64, i64) -> bool>) -> Result<()> {
        with_progress(progress, |f, u| unsafe { sys::de_loop_step_phase(self.raw, f, u, ptr::null_mut()) }, "de_loop_step_phase")
    }
    /// which: 0 dev, 1 test.
    pub fn report(&self, round: i32, which: i32) -> Result<Report> {
        let mut raw = ptr::null_mut();
        check(unsafe { sys::de_loop_report(self.raw, round, which, &mut raw) }, "de_loop_report")?;
        Ok(Report { raw })
    }
    pub fn summary_json(&self) -> Result<String> {
        let mut text = ptr::null_mut();
        check(unsafe { sys::de_loop_summary_json(self.raw, &mut text) }, "de_loop_summary_json")?;
        let out = unsafe { borrowed(text) };
        unsafe { sys::de_string_free(text) };
        Ok(out)
    }
    pub fn write_reports(&self) -> Result<()> {
        check(unsafe { sys::de_loop_write_reports(self.raw) }, "de_loop_write_reports")
    }
}

pub const PHASE_NAMES: [&str; 5] = ["train", "evaluate", "plan", "generate", "done"];
