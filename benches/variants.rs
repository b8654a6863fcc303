//! Picture variants: the full variant set (`domain::picture::plan`, every
//! variant in JPEG and WebP) for each JPEG of a directory, made by
//! `media::variants::make` on THREADS worker threads taking files from a
//! shared queue, as the decoding pool does.
//!
//! Usage: cargo bench --bench variants -- DIR [THREADS] [OUT]
//! (or GAZETTE_BENCH_PHOTOS, GAZETTE_BENCH_THREADS, GAZETTE_BENCH_OUT).
//! THREADS defaults to 2 (the project machine's cores). With OUT the
//! variants are written there (one directory per photo, as vipsthumbnail must
//! write its outputs in bench/variants.sh); without it nothing is written.
//! Prints files made, total seconds, images/s and output bytes per format.
//! Peak memory is measured from outside (`/usr/bin/time -v`, see
//! bench/variants.sh).

use std::collections::VecDeque;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use gazette::domain::picture::{Focal, plan};
use gazette::media::variants::{make, read_meta};

#[derive(Default)]
struct Totals {
    files: usize,
    objects: usize,
    jpg: u64,
    webp: u64,
    failed: Vec<String>,
}

/// Make one photo's variants; write them under `out/<stem>/` when asked.
fn one(path: &Path, out: Option<&Path>, t: &mut Totals) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let (w, h) = image::ImageReader::new(Cursor::new(&bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .into_dimensions()
        .map_err(|e| e.to_string())?;
    // plan and make take the upright size
    let (w, h) = if read_meta(&bytes).orientation >= 5 {
        (h, w)
    } else {
        (w, h)
    };
    let stem = path
        .file_stem()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let key = format!("2026/12/{stem}.jpg");
    let made = plan(w, h, Focal::default());
    let objects = make(&bytes, &key, w, h, &made).map_err(|e| e.to_string())?;
    let dir = out.map(|o| o.join(&stem));
    if let Some(dir) = &dir {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    for o in &objects {
        let n = o.bytes.len() as u64;
        if o.key.ends_with(".webp") {
            t.webp += n;
        } else {
            t.jpg += n;
        }
        if let Some(dir) = &dir {
            let name = o.key.rsplit('/').next().unwrap_or(&o.key);
            std::fs::write(dir.join(name), &o.bytes).map_err(|e| e.to_string())?;
        }
    }
    t.files += 1;
    t.objects += objects.len();
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let arg = |i: usize, env: &str| args.get(i).cloned().or_else(|| std::env::var(env).ok());
    let Some(dir) = arg(0, "GAZETTE_BENCH_PHOTOS").map(PathBuf::from) else {
        eprintln!(
            "usage: cargo bench --bench variants -- DIR [THREADS] [OUT]  (see bench/variants.sh)"
        );
        return;
    };
    let threads: usize = arg(1, "GAZETTE_BENCH_THREADS")
        .and_then(|t| t.parse().ok())
        .filter(|t| *t > 0)
        .unwrap_or(2);
    let out = arg(2, "GAZETTE_BENCH_OUT").map(PathBuf::from);
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| {
                    x.eq_ignore_ascii_case("jpg") || x.eq_ignore_ascii_case("jpeg")
                })
            })
            .collect(),
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            std::process::exit(1);
        }
    };
    files.sort();
    let queue = Mutex::new(files.into_iter().collect::<VecDeque<_>>());
    let start = Instant::now();
    let parts: Vec<Totals> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut t = Totals::default();
                    loop {
                        let next = queue.lock().unwrap().pop_front();
                        let Some(path) = next else { break };
                        if let Err(e) = one(&path, out.as_deref(), &mut t) {
                            t.failed.push(format!("{}: {e}", path.display()));
                        }
                    }
                    t
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let secs = start.elapsed().as_secs_f64();
    let mut all = Totals::default();
    for p in parts {
        all.files += p.files;
        all.objects += p.objects;
        all.jpg += p.jpg;
        all.webp += p.webp;
        all.failed.extend(p.failed);
    }
    for f in &all.failed {
        eprintln!("failed: {f}");
    }
    println!(
        "gazette variants: {} files made ({} variants, {} failed), {threads} threads, {secs:.2} s, {:.2} images/s; jpg {} bytes, webp {} bytes",
        all.files,
        all.objects,
        all.failed.len(),
        all.files as f64 / secs,
        all.jpg,
        all.webp
    );
    if !all.failed.is_empty() {
        std::process::exit(1);
    }
}
