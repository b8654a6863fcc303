//! The layers close, and the build says so (DESIGN.md §12, ARCHITECTURE.md
//! "Invariants"): this test reads the crate's sources, as rust-analyzer's
//! tidy tests do, and fails on an import that runs the wrong way or closes a
//! circle. It parses each file with `syn` (comments and strings are not
//! paths; paths inside macro calls are read from their tokens).
//!
//! What it checks:
//! - `domain` imports nothing else of the crate; `db` only `domain`;
//!   `config`, `clock` and `token` nothing; `render`, `search` and `media`
//!   never `state`, `jobs`, `web`, `cmd` or `follow`;
//! - `AppState` is named nowhere under `render`, `search`, `media`, `db`,
//!   `domain` or in `live.rs`;
//! - no grouped `use crate::{...}` under `domain` or `db` (each import names
//!   its module, so the checks above see it);
//! - no circle: in every folder, its files and subfolders import each other
//!   without a circle (a module's own file, `mod.rs` or `name.rs`, is its
//!   face: its children may use it and it may use them).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// A module path inside the crate: `["db", "portable", "content"]`.
type ModPath = Vec<String>;

struct Source {
    file: PathBuf,
    module: ModPath,
    ast: syn::File,
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The module a file defines (`src/lib.rs` is the crate root; `main.rs`,
/// the binary, is not part of the library).
fn module_of(rel: &Path) -> Option<ModPath> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop()?;
    match last.as_str() {
        "lib.rs" if parts.is_empty() => Some(vec![]),
        "main.rs" if parts.is_empty() => None,
        "mod.rs" => Some(parts),
        name => {
            parts.push(name.trim_end_matches(".rs").to_string());
            Some(parts)
        }
    }
}

fn sources() -> Vec<Source> {
    let root = src_dir();
    let mut files = Vec::new();
    rs_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|file| {
            let rel = file.strip_prefix(&root).unwrap().to_path_buf();
            let module = module_of(&rel)?;
            let text = std::fs::read_to_string(&file).unwrap();
            let ast = syn::parse_file(&text)
                .unwrap_or_else(|e| panic!("{}: does not parse: {e}", rel.display()));
            Some(Source {
                file: rel,
                module,
                ast,
            })
        })
        .collect()
}

/// One path a file names, made absolute, with whether it was a `use`.
#[derive(Debug, Clone)]
struct Reference {
    path: ModPath,
    line: usize,
}

/// Collects every `crate::`, `super::` and `self::` path of a file, in
/// `use` items, code, types and macro tokens; and the names the file
/// re-exports (`pub use a::b::Name`).
struct Collector<'a> {
    /// The module the code being visited is in (the file's, then inline
    /// modules such as `tests`).
    here: ModPath,
    /// `db/portable/*.rs` are compiled inside each backend's module: their
    /// `super` is the backend (`super::content` is a sibling portable file).
    portable: bool,
    refs: Vec<Reference>,
    reexports: &'a mut BTreeMap<String, ModPath>,
    grouped_crate_use: Vec<usize>,
    at_file_level: bool,
}

impl Collector<'_> {
    /// `segments` as written, absolute, or `None` when it does not start
    /// with `crate`, `super` or `self`.
    fn absolute(&self, segments: &[String]) -> Option<ModPath> {
        let first = segments.first()?;
        let mut base = match first.as_str() {
            "crate" => vec![],
            "self" => self.here.clone(),
            "super" => {
                let mut b = self.here.clone();
                b.pop()?;
                if self.portable && b.len() == 2 {
                    // the backend module: `super::X` is a portable sibling
                    // or the backend's own (`DbRow`, `StoreImpl`, `dialect`)
                    b = vec!["db".into(), "portable".into()];
                }
                b
            }
            _ => return None,
        };
        let mut rest = &segments[1..];
        while rest.first().is_some_and(|s| s == "super") {
            base.pop()?;
            rest = &rest[1..];
        }
        base.extend(rest.iter().cloned());
        Some(base)
    }

    fn add(&mut self, segments: &[String], line: usize) {
        if let Some(path) = self.absolute(segments) {
            self.refs.push(Reference { path, line });
        }
    }

    fn use_tree(
        &mut self,
        prefix: &mut Vec<String>,
        tree: &syn::UseTree,
        line: usize,
        public: bool,
    ) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree, line, public);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut full = prefix.clone();
                if name != "self" {
                    full.push(name.clone());
                }
                self.add(&full, line);
                if public && self.at_file_level && name != "self" {
                    self.reexport(name, &full);
                }
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                full.push(r.ident.to_string());
                self.add(&full, line);
                if public && self.at_file_level {
                    self.reexport(r.rename.to_string(), &full);
                }
            }
            syn::UseTree::Glob(_) => self.add(prefix, line),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t, line, public);
                }
            }
        }
    }

    fn reexport(&mut self, name: String, written: &[String]) {
        // `pub use child::Name` is relative to the file's module
        let target = self.absolute(written).unwrap_or_else(|| {
            let mut t = self.here.clone();
            t.extend(written.iter().cloned());
            t
        });
        self.reexports.insert(name, target);
    }
}

fn line_of(span: proc_macro2::Span) -> usize {
    span.start().line
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        let line = line_of(u.use_token.span);
        let public = !matches!(u.vis, syn::Visibility::Inherited);
        if let syn::UseTree::Path(p) = &u.tree
            && p.ident == "crate"
            && matches!(*p.tree, syn::UseTree::Group(_))
        {
            self.grouped_crate_use.push(line);
        }
        self.use_tree(&mut Vec::new(), &u.tree, line, public);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if m.content.is_some() {
            let outer = self.at_file_level;
            self.at_file_level = false;
            self.here.push(m.ident.to_string());
            syn::visit::visit_item_mod(self, m);
            self.here.pop();
            self.at_file_level = outer;
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        let segments: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(first) = p.segments.first() {
            self.add(&segments, line_of(first.ident.span()));
        }
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.tokens(m.tokens.clone());
        syn::visit::visit_macro(self, m);
    }
}

impl Collector<'_> {
    /// Paths in a macro's tokens: `crate`/`super`/`self` followed by
    /// `::ident` runs.
    fn tokens(&mut self, ts: proc_macro2::TokenStream) {
        use proc_macro2::TokenTree;
        let tokens: Vec<TokenTree> = ts.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(g) => self.tokens(g.stream()),
                TokenTree::Ident(id) if id == "crate" || id == "super" => {
                    let mut segments = vec![id.to_string()];
                    let mut j = i + 1;
                    while j + 2 < tokens.len() + 1 {
                        let colons = matches!((&tokens.get(j), &tokens.get(j + 1)),
                            (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':');
                        match (colons, tokens.get(j + 2)) {
                            (true, Some(TokenTree::Ident(next))) => {
                                segments.push(next.to_string());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    if segments.len() > 1 {
                        self.add(&segments, line_of(id.span()));
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

struct Crate {
    /// Module path → file (relative to `src/`).
    files: BTreeMap<ModPath, PathBuf>,
    /// Per file: re-exported name → the path it stands for.
    reexports: BTreeMap<PathBuf, BTreeMap<String, ModPath>>,
    /// Per file: the paths it names.
    refs: BTreeMap<PathBuf, Vec<Reference>>,
    grouped_crate_uses: BTreeMap<PathBuf, Vec<usize>>,
    texts: BTreeMap<PathBuf, String>,
}

type Collected = (Vec<Reference>, BTreeMap<String, ModPath>, Vec<usize>);

/// What a file's source names (its paths, re-exports, grouped crate uses).
fn visit(file: &Path, module: &[String], ast: &syn::File) -> Collected {
    let mut reexports = BTreeMap::new();
    let mut col = Collector {
        here: module.to_vec(),
        portable: file.starts_with("db/portable"),
        refs: Vec::new(),
        reexports: &mut reexports,
        grouped_crate_use: Vec::new(),
        at_file_level: true,
    };
    col.visit_file(ast);
    let (refs, grouped) = (col.refs, col.grouped_crate_use);
    (refs, reexports, grouped)
}

/// `visit` of source text (the tests of the checks themselves).
fn collect(file: &Path, module: &[String], text: &str) -> Collected {
    visit(file, module, &syn::parse_file(text).unwrap())
}

fn read_crate() -> Crate {
    let mut c = Crate {
        files: BTreeMap::new(),
        reexports: BTreeMap::new(),
        refs: BTreeMap::new(),
        grouped_crate_uses: BTreeMap::new(),
        texts: BTreeMap::new(),
    };
    for s in sources() {
        let text = std::fs::read_to_string(src_dir().join(&s.file)).unwrap();
        let (refs, reexports, grouped) = visit(&s.file, &s.module, &s.ast);
        c.files.insert(s.module.clone(), s.file.clone());
        c.reexports.insert(s.file.clone(), reexports);
        c.refs.insert(s.file.clone(), refs);
        c.grouped_crate_uses.insert(s.file.clone(), grouped);
        c.texts.insert(s.file.clone(), text);
    }
    c
}

impl Crate {
    /// The file that defines what `path` names: the deepest module file on
    /// the path, following its re-exports.
    fn resolve(&self, path: &[String]) -> Option<PathBuf> {
        let mut path: ModPath = path.to_vec();
        for _ in 0..8 {
            let (n, file) = (0..=path.len())
                .rev()
                .find_map(|n| self.files.get(&path[..n]).map(|f| (n, f)))?;
            // the portable files' backend items (`DbRow`, `StoreImpl`, `dialect`)
            if path.len() > n && path[..n] == ["db".to_string()] && path[n] == "portable" {
                return self.files.get(&["db".into(), "sqlite".into()][..]).cloned();
            }
            match path
                .get(n)
                .and_then(|name| self.reexports.get(file)?.get(name))
            {
                Some(target) if target.as_slice() != path.as_slice() => {
                    let mut next = target.clone();
                    next.extend(path[n + 1..].iter().cloned());
                    path = next;
                }
                _ => return Some(file.clone()),
            }
        }
        None
    }

    fn module_of_file(&self, file: &Path) -> ModPath {
        self.files
            .iter()
            .find(|(_, f)| f.as_path() == file)
            .map(|(m, _)| m.clone())
            .unwrap()
    }

    /// Every file-to-file import: (from, to, line of the first use).
    fn edges(&self) -> BTreeMap<(PathBuf, PathBuf), usize> {
        let mut out = BTreeMap::new();
        for (file, refs) in &self.refs {
            for r in refs {
                if let Some(to) = self.resolve(&r.path)
                    && &to != file
                {
                    out.entry((file.clone(), to)).or_insert(r.line);
                }
            }
        }
        out
    }
}

/// The top-level module of a file (`db` for `db/mod.rs` and `db/...`).
fn top(file: &Path) -> String {
    let first = file.iter().next().unwrap().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

/// What each top-level module may import of the crate (`None`: any).
fn allowed(module: &str) -> Option<&'static [&'static str]> {
    match module {
        "domain" | "config" | "clock" | "token" => Some(&[]),
        "db" => Some(&["domain"]),
        _ => None,
    }
}

const NEVER_FROM_RENDERING: &[&str] = &["state", "jobs", "web", "cmd", "follow"];

/// Every way an import breaks the layers, as lines a person can act on.
fn layer_violations(c: &Crate) -> Vec<String> {
    let mut out = Vec::new();
    for file in c.refs.keys() {
        let module = top(file);
        let rules: Vec<(String, &[&str], bool)> = match (allowed(&module), module.as_str()) {
            (Some(ok), _) => vec![(module.clone(), ok, true)],
            (None, "render" | "search" | "media") => {
                vec![(module.clone(), NEVER_FROM_RENDERING, false)]
            }
            _ => vec![],
        };
        for (m, list, is_allow) in rules {
            for r in &c.refs[file] {
                let Some(target) = r.path.first() else {
                    continue;
                };
                if *target == m {
                    continue;
                }
                let bad = if is_allow {
                    !list.contains(&target.as_str())
                } else {
                    list.contains(&target.as_str())
                };
                if bad {
                    out.push(format!(
                        "src/{}:{}: `{m}` must not import `crate::{}`",
                        file.display(),
                        r.line,
                        r.path.join("::")
                    ));
                }
            }
        }
        let no_app_state = matches!(
            module.as_str(),
            "render" | "search" | "media" | "db" | "domain"
        ) || file == Path::new("live.rs");
        if no_app_state {
            for (i, line) in c.texts[file].lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if code
                    .split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                    .any(|w| w == "AppState")
                {
                    out.push(format!(
                        "src/{}:{}: `AppState` named where only `render::Env` (or less) may be",
                        file.display(),
                        i + 1
                    ));
                }
            }
        }
        if matches!(module.as_str(), "domain" | "db") {
            for line in &c.grouped_crate_uses[file] {
                out.push(format!(
                    "src/{}:{line}: grouped `use crate::{{...}}`: name each module in its own `use`",
                    file.display()
                ));
            }
        }
    }
    out
}

/// The circles among the files and subfolders of every folder.
fn circles(c: &Crate) -> Vec<String> {
    // folder → unit → units it imports, with one file-level witness per edge
    type Unit = (ModPath, String);
    let mut graph: BTreeMap<Unit, BTreeMap<Unit, String>> = BTreeMap::new();
    for ((from, to), line) in c.edges() {
        let (p, q) = (c.module_of_file(&from), c.module_of_file(&to));
        let k = p.iter().zip(&q).take_while(|(a, b)| a == b).count();
        if k == p.len() || k == q.len() {
            continue; // a module's face and its own children
        }
        let folder = p[..k].to_vec();
        graph
            .entry((folder.clone(), p[k].clone()))
            .or_default()
            .entry((folder, q[k].clone()))
            .or_insert_with(|| format!("src/{}:{line} → src/{}", from.display(), to.display()));
    }
    // a circle shows as a unit that reaches itself; report each once
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for start in graph.keys() {
        if seen.contains(start) {
            continue;
        }
        if let Some(cycle) = find_cycle(&graph, start) {
            let members: BTreeSet<_> = cycle.iter().map(|(u, _)| u.clone()).collect();
            if members.iter().any(|m| seen.contains(m)) {
                continue;
            }
            seen.extend(members);
            let folder = if start.0.is_empty() {
                "src/".to_string()
            } else {
                format!("src/{}/", start.0.join("/"))
            };
            out.push(format!(
                "a circle in {folder}: {}",
                cycle
                    .iter()
                    .map(|(_, why)| why.as_str())
                    .collect::<Vec<_>>()
                    .join(", then ")
            ));
        }
    }
    out
}

/// A path of edges from `start` back to itself, if there is one.
fn find_cycle<U: Ord + Clone>(
    graph: &BTreeMap<U, BTreeMap<U, String>>,
    start: &U,
) -> Option<Vec<(U, String)>> {
    // depth-first, remembering the edge that reached each unit
    let mut stack = vec![(start.clone(), 0usize)];
    let mut path: Vec<(U, String)> = Vec::new();
    let mut visited = BTreeSet::new();
    while let Some((node, idx)) = stack.pop() {
        let next: Vec<(&U, &String)> = graph
            .get(&node)
            .map(|m| m.iter().collect())
            .unwrap_or_default();
        if idx < next.len() {
            stack.push((node.clone(), idx + 1));
            let (to, why) = next[idx];
            if to == start {
                path.push((node, why.clone()));
                return Some(path);
            }
            if visited.insert(to.clone()) {
                path.push((node, why.clone()));
                stack.push((to.clone(), 0));
            }
        } else {
            path.pop();
        }
    }
    None
}

#[test]
fn the_layers_close() {
    let c = read_crate();
    assert!(
        c.files.len() > 100,
        "the sources were not found: {} files",
        c.files.len()
    );
    let mut problems = layer_violations(&c);
    problems.extend(circles(&c));
    assert!(
        problems.is_empty(),
        "imports that break ARCHITECTURE.md's invariants:\n{}",
        problems.join("\n")
    );
}

/// The checks see what they must: a forbidden import written into a domain
/// file, a circle between two files, `AppState` in rendering and a grouped
/// `use crate::{...}` in `db` are each found.
#[test]
fn the_layer_check_finds_what_it_forbids() {
    let mut c = read_crate();
    let domain = PathBuf::from("domain/text.rs");
    let before = layer_violations(&c).len();
    // `crate::render::` under src/domain/, inside a function and a macro
    let (refs, _, _) = collect(
        &domain,
        &["domain".into(), "text".into()],
        "use super::html;\nfn f() -> String {\n    crate::render::chrome::x();\n    format!(\"{}\", crate::web::y())\n}\n",
    );
    c.refs.insert(domain.clone(), refs);
    let found = layer_violations(&c);
    assert_eq!(found.len(), before + 2, "{found:?}");
    assert!(
        found
            .iter()
            .any(|l| l.contains("src/domain/text.rs:3") && l.contains("crate::render::chrome::x")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|l| l.contains("src/domain/text.rs:4") && l.contains("crate::web::y")),
        "{found:?}"
    );
    // a circle between two render files
    let before = circles(&c).len();
    let feeds = PathBuf::from("render/feeds.rs");
    let search = PathBuf::from("render/search.rs");
    let (refs, _, _) = collect(
        &feeds,
        &["render".into(), "feeds".into()],
        "use super::search::x;",
    );
    c.refs.get_mut(&feeds).unwrap().extend(refs);
    let (refs, _, _) = collect(
        &search,
        &["render".into(), "search".into()],
        "fn f() { super::feeds::y() }",
    );
    c.refs.get_mut(&search).unwrap().extend(refs);
    let found = circles(&c);
    assert_eq!(found.len(), before + 1, "{found:?}");
    assert!(
        found
            .iter()
            .any(|l| l.starts_with("a circle in src/render/")),
        "{found:?}"
    );
    // `AppState` named in rendering, and a grouped use in db
    c.texts.insert(
        feeds.clone(),
        "fn f(s: &AppState) {} // AppState in a comment is fine".into(),
    );
    let (_, _, grouped) = collect(
        &PathBuf::from("db/mod.rs"),
        &["db".into()],
        "use std::io;\nuse crate::{domain::Site, render::Page};",
    );
    c.grouped_crate_uses
        .insert(PathBuf::from("db/mod.rs"), grouped);
    let found = layer_violations(&c);
    assert!(
        found
            .iter()
            .any(|l| l.starts_with("src/render/feeds.rs:1: `AppState`")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|l| l.starts_with("src/db/mod.rs:2: grouped")),
        "{found:?}"
    );
}
