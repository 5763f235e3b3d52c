# \file tests/tools/azurite_lib.sh
# \brief For shell tests: start azurite (blob service) from the project's
# node_modules on a free loopback port, with a container. Source it from the
# project root after s3rver_lib.sh (for free_port), then
# `start_azurite DIR CONTAINER`: sets AZ_PORT and AZ_PID (stop it with
# `kill $AZ_PID`) and exports the AZURE_STORAGE_* variables quire reads.
start_azurite() {  # start_azurite DATA_DIR CONTAINER
  local dir=$1 container=$2
  AZ_PORT=$(free_port)
  mkdir -p "$dir"
  # --disableTelemetry: azurite otherwise reports usage over the network.
  node node_modules/azurite/dist/src/blob/main.js --blobHost 127.0.0.1 --blobPort "$AZ_PORT" \
    --location "$dir" --silent --skipApiVersionCheck --loose --disableTelemetry \
    > "$dir.log" 2>&1 &
  AZ_PID=$!
  export AZURE_STORAGE_ACCOUNT=devstoreaccount1
  export AZURE_STORAGE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
  export AZURE_STORAGE_ENDPOINT="http://127.0.0.1:$AZ_PORT/devstoreaccount1"
  local _
  for _ in $(seq 300); do
    curl -s -o /dev/null "http://127.0.0.1:$AZ_PORT/devstoreaccount1?comp=list" && break
    sleep 0.1
  done
  # Create the container: a PUT signed with the account's Shared Key.
  node -e '
    const crypto = require("crypto"), http = require("http");
    const [port, container, account, key] = process.argv.slice(1);
    const date = new Date().toUTCString(), version = "2021-08-06";
    const toSign = "PUT\n" + "\n".repeat(11) + `x-ms-date:${date}\nx-ms-version:${version}\n` +
      `/${account}/${account}/${container}\nrestype:container`;
    const sig = crypto.createHmac("sha256", Buffer.from(key, "base64")).update(toSign).digest("base64");
    const req = http.request({ host: "127.0.0.1", port, method: "PUT",
      path: `/${account}/${container}?restype=container`,
      headers: { "x-ms-date": date, "x-ms-version": version, "Content-Length": 0,
                 Authorization: `SharedKey ${account}:${sig}` } },
      (res) => { res.resume(); process.exit(res.statusCode === 201 ? 0 : 1); });
    req.on("error", () => process.exit(1));
    req.end();' "$AZ_PORT" "$container" "$AZURE_STORAGE_ACCOUNT" "$AZURE_STORAGE_KEY" || {
    echo "azurite did not start: $(tail -5 "$dir.log")" >&2; return 1; }
}
