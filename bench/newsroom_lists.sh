#!/usr/bin/env bash
# The newsroom's archive-scale screens: the story list (稿件) and the
# publication record (发布记录) at N stories and AUDIT publication-record rows,
# signed in as an administrator, wrk --latency for SECS seconds per URL:
# the first page, a page deep in the archive (keyset), filtered pages, and a
# title search for a common word (滨州) and for words no title holds (龙虾养殖基地).
# Side by side, the same deep page the way list screens of 帝国CMS/DedeCMS
# page (ORDER BY ... LIMIT n OFFSET k), timed in sqlite3 on the same file.
#
#   bench/newsroom_lists.sh [N] [AUDIT] [SECS]      (default 1000000 5000000 8)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
AUDIT=${2:-5000000}
SECS=${3:-8}
source bench/common.sh
DATA=$WORK/newsroom-data
DB=$DATA/gazette.db
if [[ ! -s $DATA/.audit-$AUDIT ]]; then
  rm -rf "$DATA" && cp -r "$WORK/data" "$DATA"
  echo "bench-password-1" | "$BIN" user add --data-dir "$DATA" --role 管理员 chief > /dev/null
  echo "bench-password-1" | "$BIN" user add --data-dir "$DATA" --role 编辑 --site main editor > /dev/null
  echo "== filling the publication record with $AUDIT rows (sqlite3)"
  # story acts over the whole archive and five years, and one sign-in in five
  sqlite3 "$DB" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < $AUDIT)
INSERT INTO audit (article_id, at, actor_id, actor, action, from_state, to_state, level, opinion, title, subject, detail, address)
SELECT
  CASE WHEN x % 5 = 0 THEN NULL ELSE (SELECT min(id) FROM articles) + (x * 7919) % $N END,
  1577808000 + x * (157680000 / $AUDIT),
  1 + x % 2,
  CASE x % 2 WHEN 0 THEN 'chief' ELSE 'editor' END,
  CASE x % 5 WHEN 0 THEN 'login' WHEN 1 THEN 'submit' WHEN 2 THEN 'approve' WHEN 3 THEN 'approve' ELSE 'reject' END,
  CASE x % 5 WHEN 0 THEN '' WHEN 1 THEN 'unpublished/draft' WHEN 2 THEN 'unpublished/review1' WHEN 3 THEN 'unpublished/review3' ELSE 'unpublished/review2' END,
  CASE x % 5 WHEN 0 THEN '' WHEN 1 THEN 'unpublished/review1' WHEN 2 THEN 'unpublished/review2' WHEN 3 THEN 'live/idle' ELSE 'unpublished/draft' END,
  CASE x % 5 WHEN 2 THEN 1 WHEN 3 THEN 3 WHEN 4 THEN 2 ELSE NULL END,
  CASE x % 5 WHEN 4 THEN '请补充导语' WHEN 0 THEN '' ELSE '同意' END,
  '稿件标题 ' || x,
  CASE WHEN x % 5 = 0 THEN 'user:editor' ELSE '' END,
  '',
  '10.0.' || (x % 250) || '.' || (x % 200)
FROM n;
COMMIT;
ANALYZE;
SQL
  echo done > "$DATA/.audit-$AUDIT"
fi
echo "== $(sqlite3 "$DB" 'SELECT count(*) FROM articles') stories, $(sqlite3 "$DB" 'SELECT count(*) FROM audit') record rows; $(nproc) cores; wrk -t1 -c4 -d${SECS}s --latency"
PORT=18189
"$BIN" serve --data-dir "$DATA" --addr 127.0.0.1:$PORT > "$WORK/newsroom.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 600); do curl -fs -o /dev/null http://127.0.0.1:$PORT/healthz && break; sleep 0.1; done
COOKIE=$(curl -s -o /dev/null -D - -X POST "http://127.0.0.1:$PORT/admin/login" \
  --data-urlencode username=chief --data-urlencode password=bench-password-1 --data-urlencode next=/admin/ \
  | tr -d '\r' | awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2}')
[[ -n $COOKIE ]] || { echo "sign-in failed"; exit 1; }
get() { curl -fs -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$1"; }
# cursors deep in the archive: the row 500,000 stories (2,000,000 record rows) back
DEEP_STORY=$(sqlite3 "$DB" "SELECT updated_at || '.' || id FROM articles ORDER BY updated_at DESC, id DESC LIMIT 1 OFFSET $((N / 2))")
DEEP_AUDIT=$(sqlite3 "$DB" "SELECT at || '.' || id FROM audit ORDER BY at DESC, id DESC LIMIT 1 OFFSET $((AUDIT * 2 / 5))")
CHANNEL=$(sqlite3 "$DB" "SELECT id FROM channels WHERE site_id = 'main' AND path = 'zw/yw'")
ARTICLE=$(sqlite3 "$DB" "SELECT article_id FROM audit WHERE article_id IS NOT NULL LIMIT 1")
# the import gave every story its own run's time as the last change
TODAY=$(TZ=Asia/Shanghai date +%F)
for url in \
  "/admin/stories" \
  "/admin/stories?before=$DEEP_STORY" \
  "/admin/stories?state=live&channel=$CHANNEL" \
  "/admin/stories?state=live&from=$TODAY&to=$TODAY&before=$DEEP_STORY" \
  "/admin/stories?q=%E6%BB%A8%E5%B7%9E" \
  "/admin/stories?q=%E9%BE%99%E8%99%BE%E5%85%BB%E6%AE%96%E5%9F%BA%E5%9C%B0" \
  "/admin/audit" \
  "/admin/audit?before=$DEEP_AUDIT" \
  "/admin/audit?action=reject" \
  "/admin/audit?person=2&from=2022-01-01&to=2022-06-30" \
  "/admin/audit?story=$ARTICLE"; do
  rows=$(get "$url" | grep -c '<tr>' || true)
  out=$(wrk -t1 -c4 -d"${SECS}s" --latency -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT$url")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
  printf "  %-62s %4s rows  %7.0f req/s  p50 %8s  p99 %8s  %s\n" "$url" "$rows" "$rps" "$p50" "$p99" "${non2xx:+non-2xx $non2xx}"
done
kill $PID; wait $PID 2>/dev/null || true
trap - EXIT
echo "== the same deep pages with OFFSET paging (sqlite3, best of 3)"
offset_ms() {
  local best=999999
  for _ in 1 2 3; do
    local t0 t1
    t0=$(date +%s%N)
    sqlite3 "$DB" "$1" > /dev/null
    t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    (( ms < best )) && best=$ms
  done
  echo "$best"
}
keyset_ms() { offset_ms "$1"; }
S_OFF=$(offset_ms "SELECT id, title FROM articles ORDER BY updated_at DESC, id DESC LIMIT 50 OFFSET $((N / 2))")
# the server's two seeks: the rest of the cursor's second, then the older ones
S_KEY=$(keyset_ms "SELECT id, title FROM (SELECT * FROM (SELECT id, title, updated_at FROM articles WHERE updated_at = ${DEEP_STORY%.*} AND id < ${DEEP_STORY#*.} ORDER BY id DESC LIMIT 50) UNION ALL SELECT * FROM (SELECT id, title, updated_at FROM articles WHERE updated_at < ${DEEP_STORY%.*} ORDER BY updated_at DESC, id DESC LIMIT 50)) ORDER BY updated_at DESC, id DESC LIMIT 50")
A_OFF=$(offset_ms "SELECT id, actor FROM audit ORDER BY at DESC, id DESC LIMIT 50 OFFSET $((AUDIT * 2 / 5))")
A_KEY=$(keyset_ms "SELECT id, actor FROM audit WHERE (at, id) < (${DEEP_AUDIT%.*}, ${DEEP_AUDIT#*.}) ORDER BY at DESC, id DESC LIMIT 50")
printf "  story list, page %d:   OFFSET %5s ms   keyset %5s ms (sqlite3 process start included in both)\n" $((N / 2 / 50)) "$S_OFF" "$S_KEY"
printf "  record, page %d:       OFFSET %5s ms   keyset %5s ms\n" $((AUDIT * 2 / 5 / 50)) "$A_OFF" "$A_KEY"
