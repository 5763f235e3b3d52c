# \file tests/tools/s3rver_lib.sh
# \brief For shell tests and benchmarks: start s3rver from the project's
# node_modules on a free loopback port, with a bucket. Source it from the project
# root, then `start_s3rver DIR BUCKET`: sets S3_PORT and S3_PID (stop it with
# `kill $S3_PID`). s3rver 3.7 needs Node's legacy OpenSSL provider for its
# listing continuation tokens.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
start_s3rver() {  # start_s3rver DATA_DIR BUCKET
  local dir=$1 bucket=$2
  S3_PORT=$(free_port)
  mkdir -p "$dir"
  node --openssl-legacy-provider node_modules/s3rver/bin/s3rver.js --address 127.0.0.1 \
    --port "$S3_PORT" --directory "$dir" --silent > "$dir.log" 2>&1 &
  S3_PID=$!
  local _
  for _ in $(seq 300); do
    curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break
    sleep 0.1
  done
  curl -sf -X PUT "http://127.0.0.1:$S3_PORT/$bucket" > /dev/null || {
    echo "s3rver did not start: $(tail -5 "$dir.log")" >&2; return 1; }
}
