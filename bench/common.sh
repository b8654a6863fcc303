# Sourced by the bench scripts (from the repository root): builds the release
# binary ($BIN) and prepares target/bench/$N ($WORK) with the N-story corpus
# from shared/bench/gen_corpus.py imported into $WORK/data, once.
SHARED=${SHARED:-../shared}
cargo build --release --quiet
BIN=$PWD/target/release/gazette
WORK=target/bench/$N
mkdir -p "$WORK"
[[ -s $WORK/corpus.jsonl ]] || python3 "$SHARED/bench/gen_corpus.py" "$N" > "$WORK/corpus.jsonl"
if [[ ! -d $WORK/data ]]; then
  "$BIN" migrate --data-dir "$WORK/data" > /dev/null
  "$BIN" import "$WORK/corpus.jsonl" --create-channels --data-dir "$WORK/data" > /dev/null
fi
