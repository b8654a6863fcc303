//! Video processing: what the `video_process` job does to one file (probe,
//! the ladder in one ffmpeg run, HLS segmenting, poster frames, the master
//! playlist, every file put into a local media store), timed, for
//! bench/video.sh to set beside plain ffmpeg running the same commands.
//!
//! Usage: cargo bench --bench video -- SRC OUT
//! (ffmpeg from GAZETTE_FFMPEG, threads from GAZETTE_VIDEO_THREADS, else one
//! per core). Writes the files under OUT/gazette and the store under
//! OUT/store; prints one line: seconds, renditions, files, bytes.

use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [src, out] = args.as_slice() else {
        eprintln!("usage: cargo bench --bench video -- SRC OUT");
        std::process::exit(2);
    };
    let src = PathBuf::from(src);
    let out = PathBuf::from(out);
    let mut cfg = gazette::config::VideoConfig::default();
    if let Ok(f) = std::env::var("GAZETTE_FFMPEG") {
        cfg.ffmpeg = f.into();
    }
    if let Some(n) = std::env::var("GAZETTE_VIDEO_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        cfg.threads = n;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use gazette::media::MediaStore as _;
        let dir = out.join("gazette");
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(out.join("store"));
        std::fs::create_dir_all(&dir).unwrap();
        let store = gazette::media::LocalMedia::new(out.join("store"));
        let started = Instant::now();
        let probe = gazette::media::video::probe(&cfg, &src)
            .await
            .expect("probe");
        let (progress, _) = tokio::sync::watch::channel(0u8);
        let (made, files) = gazette::media::video::process(
            &cfg,
            &src,
            "2026/12/benchclip.mp4",
            &probe,
            &dir,
            None,
            &progress,
        )
        .await
        .expect("process");
        let mut bytes = 0;
        for f in &files {
            bytes += std::fs::metadata(&f.path).unwrap().len();
            store
                .put_file(&f.key, &f.path, "application/octet-stream")
                .await
                .unwrap();
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "gazette: {secs:.2} s  renditions {}  files {}  bytes {bytes}  (source {}x{} {:.1} s)",
            made.renditions.len(),
            files.len(),
            probe.width,
            probe.height,
            probe.duration_ms as f64 / 1000.0
        );
    });
}
