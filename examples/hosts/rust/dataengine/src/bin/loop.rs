//! The closed loop on the embedded world, with Rust in charge of every phase: the host steps
//! the engine (train, evaluate, plan with ABS, generate), shows a progress line and prints each
//! round's test figures as soon as they exist — the same lines, for the same settings and seed,
//! as `dataengine loop`. Killed, it resumes on the same --state.
//!
//!   loop [--state DIR] [--world DIR] [--strategy S] [--rounds N] [--budget N] [--seed N]
//!        [--world-seed N] [--seed-steps N] [--round-steps N] [--stage1-steps N] [--dim N]
//!        [--scale PERCENT] [--ipo-batch N] [--ipo-rounds N] [--mistake-rate X] [--threads N] [--no-ipo]
use std::ffi::CString;
use std::io::Write;

use dataengine::{check_abi, loop_options, sys, version, Loop, PHASE_NAMES};

fn run() -> Result<(), String> {
    check_abi().map_err(|e| e.to_string())?;
    let mut o = loop_options();
    let mut strings: Vec<CString> = Vec::new(); // the options point into these
    let mut text = |s: &str| {
        strings.push(CString::new(s).unwrap());
        strings.last().unwrap().as_ptr()
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut state = String::from("dataengine-state");
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        if flag == "--no-ipo" {
            o.ipo = 0;
            i += 1;
            continue;
        }
        let value = args.get(i + 1).ok_or(format!("{} needs a value", flag))?.clone();
        let int = || value.parse::<i64>().map_err(|_| format!("{}: not a number: {}", flag, value));
        match flag {
            "--state" => {
                state = value.clone();
                o.state_dir = text(&value);
            }
            "--world" => o.world_dir = text(&value),
            "--strategy" => o.strategy = text(&value),
            "--rounds" => o.rounds = int()? as i32,
            "--budget" => o.budget = int()? as i32,
            "--seed" => o.seed = int()? as u64,
            "--world-seed" => o.world_seed = int()? as u64,
            "--seed-steps" => o.seed_steps = int()? as i32,
            "--round-steps" => o.round_steps = int()? as i32,
            "--stage1-steps" => o.stage1_steps = int()? as i32,
            "--dim" => o.model_dim = int()? as i32,
            "--scale" => o.world_scale_percent = int()? as i32,
            "--ipo-batch" => o.ipo_batch = int()? as i32,
            "--ipo-rounds" => o.ipo_rounds = int()? as i32,
            "--threads" => o.threads = int()? as i32,
            "--mistake-rate" => o.mistake_rate = value.parse().map_err(|_| format!("--mistake-rate: not a number: {}", value))?,
            _ => return Err(format!("unknown option {}", flag)),
        }
        i += 2;
    }
    if o.state_dir.is_null() {
        o.state_dir = text(&state);
    }

    eprintln!("dataengine {} (ABI {}) from Rust", version(), sys::DE_ABI_VERSION);
    let mut engine = Loop::new(&o).map_err(|e| e.to_string())?;
    loop {
        let (round, phase) = engine.position().map_err(|e| e.to_string())?;
        if phase == sys::DE_PHASE_DONE {
            break;
        }
        let place = format!("round {} {}", round, PHASE_NAMES[phase as usize]);
        let mut progress = |name: &str, done: i64, total: i64| {
            eprint!("\r{} {}: {}/{}   ", place, name, done, total);
            true
        };
        engine.step_phase(Some(&mut progress)).map_err(|e| e.to_string())?;
        eprintln!("\r{}: done{}", place, " ".repeat(30));
        if phase == sys::DE_PHASE_EVALUATE {
            let test = engine.report(round, 1).map_err(|e| e.to_string())?;
            println!("{}", test.figures_line(round).map_err(|e| e.to_string())?);
            std::io::stdout().flush().ok();
        }
    }
    engine.write_reports().map_err(|e| e.to_string())?;
    println!("Reports: {0}/report.md, {0}/summary.json, {0}/accuracy.svg", state);
    Ok(())
}

fn main() {
    if let Err(message) = run() {
        eprintln!("loop: {}", message);
        std::process::exit(1);
    }
}
