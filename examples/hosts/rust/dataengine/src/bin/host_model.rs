//! The engine around a model Rust built: evaluation, ABS and generation, host-owned training.
//!
//! The model is a nearest-neighbour reader of 8 x 8 thumbnails: it remembers, per question
//! wording, which answer went with which picture. The engine evaluates it, embeds the pool with
//! it, plans with ABS around its bad cases, the offline world writes the data, and the host
//! trains it on the result — printing each round's test figures.
//!
//!   host_model [WORLD_DIR] [--tiny]     (--tiny: a small world, for tests)
use std::collections::HashMap;
use std::ffi::CString;

use dataengine::{check_abi, gen_options, train_options, world_options, Dataset, DatasetView, Generation, HostModel, Model,
                 Plan, Sample};

const SIDE: usize = 8;

fn thumbnail(rgb: &[u8], width: i32, height: i32) -> Vec<f32> {
    let (w, h) = (width as usize, height as usize);
    let mut sums = vec![0f32; SIDE * SIDE * 3];
    for y in 0..h {
        for x in 0..w {
            let cell = ((y * SIDE / h) * SIDE + x * SIDE / w) * 3;
            for c in 0..3 {
                sums[cell + c] += rgb[(y * w + x) * 3 + c] as f32;
            }
        }
    }
    let scale = 255.0 * (w * h) as f32 / (SIDE * SIDE) as f32;
    sums.iter().map(|s| s / scale).collect()
}

fn distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

#[derive(Default)]
struct NearestNeighbour {
    memory: HashMap<String, Vec<(Vec<f32>, String)>>, // question -> (thumbnail, answer text)
}

impl HostModel for NearestNeighbour {
    fn score(&mut self, sample: &Sample, rgb: &[u8], width: i32, height: i32) -> Vec<f64> {
        if rgb.is_empty() {
            return vec![0.0; sample.options.len()];
        }
        let thumb = thumbnail(rgb, width, height);
        let mut best: HashMap<&str, f32> = HashMap::new();
        for (seen, answer) in self.memory.get(&sample.question).into_iter().flatten() {
            let d = distance(&thumb, seen);
            let entry = best.entry(answer.as_str()).or_insert(f32::MAX);
            *entry = entry.min(d);
        }
        sample.options.iter().map(|o| -(*best.get(o.as_str()).unwrap_or(&1e3) as f64)).collect()
    }

    fn train(&mut self, sources: &[(DatasetView, f64)], progress: &mut dyn FnMut(i64, i64) -> bool) -> Result<f64, String> {
        let total: usize = sources.iter().map(|(d, _)| d.len().unwrap_or(0)).sum();
        let (mut done, mut wrong) = (0usize, 0usize);
        for (data, _) in sources {
            for i in 0..data.len().map_err(|e| e.to_string())? {
                let sample = data.sample(i).map_err(|e| e.to_string())?;
                let (rgb, w, h) = data.image(i).map_err(|e| e.to_string())?;
                let answer = sample.answer.ok_or(format!("sample '{}' has no answer", sample.id))?;
                let scores = self.score(&sample, &rgb, w, h);
                let guess = (0..scores.len()).fold(0, |b, k| if scores[k] > scores[b] { k } else { b });
                wrong += (guess != answer) as usize;
                self.memory.entry(sample.question.clone()).or_default().push((thumbnail(&rgb, w, h), sample.options[answer].clone()));
                done += 1;
                if !progress(done as i64, total as i64) {
                    return Err("stopped by the engine".into());
                }
            }
        }
        Ok(wrong as f64 / done.max(1) as f64)
    }

    fn embed(&mut self, rgb: &[u8], width: i32, height: i32) -> Vec<f32> {
        thumbnail(rgb, width, height)
    }

    fn embedding_dim(&self) -> usize {
        SIDE * SIDE * 3
    }
}

fn line(label: &'static str) -> impl FnMut(&str, i64, i64) -> bool {
    move |phase, done, total| {
        eprint!("\r{} {}: {}/{}   {}", label, phase, done, total, if total > 0 && done >= total { "\n" } else { "" });
        true
    }
}

fn run() -> Result<(), dataengine::Error> {
    check_abi()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let tiny = args.iter().any(|a| a == "--tiny");
    let dir = args.iter().find(|a| !a.starts_with("--")).cloned().unwrap_or_else(|| "host_model_world".into());
    let (rounds, budget) = (2, if tiny { 60 } else { 600 });

    let counts = CString::new("scene=20,identity=20,attribute=20,location=20,counting=20,spatial relation=20,interaction=20,reasoning=20,text=20").unwrap();
    let mut wo = world_options();
    wo.seed = 3;
    wo.caption_images = 4;
    if tiny {
        wo.per_type = 8;
        wo.pool_images = 120;
        wo.seed_counts = counts.as_ptr();
    } else {
        wo.per_type = 60;
        wo.pool_images = 1500;
    }
    let world = dataengine::World::new(&wo)?;
    world.write(&dir, Some(&mut line("world")))?;
    let load = |name: &str| Dataset::load(&format!("{}/{}.jsonl", dir, name));
    let (seed, dev, test) = (load("seed_train")?, load("dev")?, load("test")?);
    let mut pool = world.pool(&dir)?;

    let mut model = Model::from_host(Box::new(NearestNeighbour::default()))?;
    let mut to = train_options();
    let loss = model.train(&[(&seed, 1.0)], &to)?;
    println!("seed set: {} questions, training loss {:.2}", seed.len()?, loss);
    let mut used: Vec<String> = Vec::new();
    let mut kept: Vec<Dataset> = Vec::new(); // generated sets, alive as long as the model may read them
    for round in 0..=rounds {
        let dev_report = model.evaluate(&dev, "dev")?;
        let test_report = model.evaluate(&test, "test")?;
        println!("{}", test_report.figures_line(round)?);
        if round == rounds {
            break;
        }
        pool.embed(&mut model, Some(&mut line("embed")))?;
        let mut examples = Vec::new();
        for (kind, _) in dev_report.by_type()? {
            for id in dev_report.bad_cases(&kind)? {
                let index = dev.find(&id)?;
                examples.push((id, model.embed_sample(&dev, index)?));
            }
        }
        let plan = Plan::make(&dev_report, &dev, &pool, None, budget, round as u64, &examples, &used)?;
        let queries = plan.queries()?;
        used.extend(queries.iter().map(|(_, image)| image.clone()));
        let prefix = CString::new(format!("r{}", round)).unwrap();
        let mut go = gen_options();
        go.world = world.raw();
        go.round = round;
        go.seed = round as u64;
        go.id_prefix = prefix.as_ptr();
        let generated = Generation::run(&plan, &dev, &pool, &go, Some(&mut line("generate")))?.samples()?;
        let mut by_type: Vec<(String, usize)> = Vec::new();
        for (kind, _) in &queries {
            match by_type.iter_mut().find(|(k, _)| k == kind) {
                Some(entry) => entry.1 += 1,
                None => by_type.push((kind.clone(), 1)),
            }
        }
        by_type.sort();
        let plan_text: Vec<String> = by_type.iter().map(|(k, n)| format!("{} {}", k, n)).collect();
        println!("round {} plan: {}; {} of {} generated samples accepted", round, plan_text.join(", "), generated.len()?, queries.len());
        to.steps = generated.len()? as i32;
        model.train(&[(&generated, 1.0)], &to)?;
        kept.push(generated);
    }
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("host_model: {}", e);
        std::process::exit(1);
    }
}
