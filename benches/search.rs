//! Search latency and recall: Gazette's tantivy+jieba index vs SQLite FTS5
//! (trigram tokenizer) over the same stories, in one process, after warm-up.
//!
//! Usage: cargo bench --bench search -- DATA_DIR [ROUNDS]
//! DATA_DIR holds an imported and indexed corpus (see bench/search.sh).
//! Prints p50/p99 per engine and the recall of each engine against exact
//! substring matching (what FTS5 trigram finds).

use std::collections::HashSet;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::{Duration, Instant};

use gazette::domain::text::parse_rfc3339;
use gazette::search::{Filters, SearchIndex, Sort};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Row, SqlitePool};

/// 30 realistic reader queries: 1-3 words, some with filters.
fn queries() -> Vec<(&'static str, Filters)> {
    let none = Filters::default;
    let site = |s: &str| Filters {
        site: Some(s.into()),
        ..Default::default()
    };
    let chan = |c: &str| Filters {
        channel: Some(c.into()),
        ..Default::default()
    };
    let year = |from: &str, to: &str| Filters {
        from: parse_rfc3339(&format!("{from}-01-01T00:00:00+08:00")),
        until: parse_rfc3339(&format!("{to}-01-01T00:00:00+08:00")),
        ..Default::default()
    };
    vec![
        ("滨州", none()),
        ("职业教育", none()),
        ("乡村振兴", none()),
        ("产教融合", none()),
        ("营商环境", none()),
        ("数字经济", none()),
        ("招商引资", none()),
        ("黄河流域", none()),
        ("安全生产", none()),
        ("文明城市", none()),
        ("邹平 职业教育", none()),
        ("魏桥 招商", none()),
        ("滨城区 乡村振兴", none()),
        ("科技创新 座谈会", none()),
        ("非遗传承", none()),
        ("慈善文化", none()),
        ("市教育局", none()),
        ("经济普查", none()),
        ("书香城市", none()),
        ("民营经济 发展 营商环境", none()),
        ("乡村振兴", site("zouping")),
        ("职业教育", chan("zw")),
        ("营商环境", year("2024", "2025")),
        (
            "招商引资",
            Filters {
                site: Some("main".into()),
                channel: Some("zw/yw".into()),
                ..Default::default()
            },
        ),
        ("数字经济", year("2022", "2024")),
        ("滨州", site("boxing")),
        ("生态保护", chan("sh")),
        ("城乡水务", site("main")),
        ("行政执法质量", none()),
        ("考察团 调研", none()),
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn build_fts(store: &dyn gazette::db::Store, path: &PathBuf) -> anyhow::Result<SqlitePool> {
    let fresh = !path.exists();
    let opts = SqliteConnectOptions::from_str("sqlite://")?
        .filename(path)
        .create_if_missing(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await?;
    if fresh {
        let started = Instant::now();
        sqlx::query(
            "CREATE VIRTUAL TABLE docs USING fts5(title, body, site UNINDEXED, channels UNINDEXED, \
             signed_at UNINDEXED, tokenize = 'trigram')",
        )
        .execute(&pool)
        .await?;
        let mut paths = std::collections::HashMap::new();
        for s in store.sites().await? {
            for c in store.channels(&s.id).await? {
                paths.insert(c.id, c.path);
            }
        }
        let mut after = 0;
        let mut n = 0;
        loop {
            let batch = store.published_after(after, 5000).await?;
            let Some(last) = batch.last() else { break };
            after = last.id;
            let mut tx = pool.begin().await?;
            for a in &batch {
                let p = paths.get(&a.channel_id).cloned().unwrap_or_default();
                let chans: Vec<String> = gazette::domain::channel::ancestry(&p)
                    .iter()
                    .map(|s| format!("|{s}|"))
                    .collect();
                sqlx::query("INSERT INTO docs (rowid, title, body, site, channels, signed_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(a.id)
                    .bind(&a.title)
                    .bind(gazette::domain::html::html_to_text(&a.body_html))
                    .bind(&a.site_id)
                    .bind(chans.join(""))
                    .bind(a.signed_at.unwrap_or(0))
                    .execute(&mut *tx)
                    .await?;
                n += 1;
            }
            tx.commit().await?;
        }
        println!(
            "FTS5 trigram baseline built: {n} stories in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(pool)
}

/// The FTS5 form of a query: every word must occur as a substring of the title
/// or body. Words of 3+ characters use the trigram index (MATCH); shorter ones
/// cannot, so they are LIKE filters over the candidates (a scan if alone).
fn fts_sql(text: &str, f: &Filters, select: &str, tail: &str) -> (String, Vec<String>) {
    let mut binds = Vec::new();
    let mut matches = Vec::new();
    for w in text.split_whitespace() {
        if w.chars().count() >= 3 {
            matches.push(format!("\"{}\"", w.replace('"', "\"\"")));
        } else {
            binds.push(format!("%{w}%"));
        }
    }
    let mut conds = Vec::new();
    let mut all_binds = Vec::new();
    if !matches.is_empty() {
        all_binds.push(matches.join(" AND "));
        conds.push("docs MATCH $1".to_string());
    }
    let offset = all_binds.len();
    for (i, b) in binds.into_iter().enumerate() {
        all_binds.push(b);
        conds.push(format!(
            "(title LIKE ${n} OR body LIKE ${n})",
            n = offset + i + 1
        ));
    }
    if let Some(s) = &f.site {
        all_binds.push(s.clone());
        conds.push(format!("site = ${}", all_binds.len()));
    }
    if let Some(c) = &f.channel {
        // instr, not LIKE: FTS5's trigram tokenizer answers LIKE from its index,
        // which does not cover UNINDEXED columns
        all_binds.push(format!("|{c}|"));
        conds.push(format!("instr(channels, ${}) > 0", all_binds.len()));
    }
    if let Some(t) = f.from {
        conds.push(format!("signed_at >= {t}"));
    }
    if let Some(t) = f.until {
        conds.push(format!("signed_at < {t}"));
    }
    (
        format!(
            "SELECT {select} FROM docs WHERE {} {tail}",
            conds.join(" AND ")
        ),
        all_binds,
    )
}

async fn fts_search(pool: &SqlitePool, text: &str, f: &Filters) -> anyhow::Result<(i64, Vec<i64>)> {
    let ranked = text.split_whitespace().any(|w| w.chars().count() >= 3);
    let order = if ranked {
        "ORDER BY rank LIMIT 10"
    } else {
        "ORDER BY signed_at DESC LIMIT 10"
    };
    let (sql, binds) = fts_sql(text, f, "rowid", order);
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let ids: Vec<i64> = q
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.get::<i64, _>(0))
        .collect();
    let (sql, binds) = fts_sql(text, f, "count(*)", "");
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    let total: i64 = q.fetch_one(pool).await?.get(0);
    Ok((total, ids))
}

async fn fts_all(pool: &SqlitePool, text: &str, f: &Filters) -> anyhow::Result<HashSet<i64>> {
    let (sql, binds) = fts_sql(text, f, "rowid", "");
    let mut q = sqlx::query(&sql);
    for b in &binds {
        q = q.bind(b);
    }
    Ok(q.fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.get::<i64, _>(0))
        .collect())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench search -- DATA_DIR [ROUNDS]  (see bench/search.sh)");
        return Ok(());
    };
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(20);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let store = gazette::db::open(&gazette::db::Location::Sqlite(dir.join("gazette.db"))).await?;
        let index = SearchIndex::open(&dir.join("search"))?;
        let fts = build_fts(store.as_ref(), &dir.join("fts5-baseline.db")).await?;
        println!("stories in the index: {}", index.len());
        let qs = queries();
        // warm-up: every query once on each engine
        for (text, f) in &qs {
            index.search(text, f, Sort::Relevance, 0, 10)?;
            fts_search(&fts, text, f).await?;
        }
        // GAZETTE_BENCH_TANTIVY_ROUNDS: extra rounds for Gazette alone (FTS5 at 1M
        // takes seconds a query; more samples make Gazette's p99 meaningful)
        let extra: usize = std::env::var("GAZETTE_BENCH_TANTIVY_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
        let mut tantivy = Vec::new();
        let mut sqlite = Vec::new();
        for round in 0..rounds.max(extra) {
            for (text, f) in &qs {
                let t = Instant::now();
                let hits = index.search(text, f, Sort::Relevance, 0, 10)?;
                tantivy.push(t.elapsed());
                std::hint::black_box(hits);
                if round < rounds {
                    let t = Instant::now();
                    let r = fts_search(&fts, text, f).await?;
                    sqlite.push(t.elapsed());
                    std::hint::black_box(r);
                }
            }
        }
        tantivy.sort();
        sqlite.sort();
        println!(
            "\nquery latency over {} queries, {} rounds for tantivy and {rounds} for FTS5 (top 10 + total count):",
            qs.len(),
            rounds.max(extra)
        );
        println!("  engine            p50 ms    p99 ms");
        println!(
            "  tantivy+jieba  {:>8.2}  {:>8.2}",
            percentile(&tantivy, 0.5),
            percentile(&tantivy, 0.99)
        );
        println!(
            "  sqlite fts5    {:>8.2}  {:>8.2}",
            percentile(&sqlite, 0.5),
            percentile(&sqlite, 0.99)
        );
        println!(
            "  ratio (fts5 / tantivy): p50 {:.1}x, p99 {:.1}x",
            percentile(&sqlite, 0.5) / percentile(&tantivy, 0.5),
            percentile(&sqlite, 0.99) / percentile(&tantivy, 0.99)
        );

        if std::env::var_os("GAZETTE_BENCH_SKIP_RECALL").is_some() {
            return Ok(());
        }
        // Recall against exact substring matches (the FTS5 trigram answer).
        println!("\nrecall against exact substring matches (FTS5 = 1.000 by construction):");
        println!(
            "  {:<24} {:>8} {:>8} {:>7}",
            "query", "exact", "tantivy", "recall"
        );
        let mut sum = 0.0;
        for (text, f) in &qs {
            let exact = fts_all(&fts, text, f).await?;
            let found: HashSet<i64> = index.matching_ids(text, f)?.into_iter().collect();
            let total = found.len();
            let recall = if exact.is_empty() {
                1.0
            } else {
                exact.intersection(&found).count() as f64 / exact.len() as f64
            };
            sum += recall;
            println!(
                "  {:<24} {:>8} {:>8} {:>7.3}",
                format!(
                    "{text}{}",
                    if f.site.is_some() || f.channel.is_some() || f.from.is_some() {
                        " +filter"
                    } else {
                        ""
                    }
                ),
                exact.len(),
                total,
                recall
            );
        }
        println!(
            "  mean recall: tantivy {:.3}, fts5 1.000",
            sum / qs.len() as f64
        );
        Ok::<_, anyhow::Error>(())
    })
}
