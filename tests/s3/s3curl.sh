# Sourced by S3 CLI tests (run through tests/s3/server.sh run): s3curl METHOD PATH [CURL ARGS...]
# sends one raw SigV4-signed request to the test server and prints the HTTP status;
# s3_bucket NAME creates a bucket unless it exists.
s3curl() {
  local method=$1 path=$2; shift 2
  curl -sS -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
    -X "$method" "$MLO_S3_ENDPOINT/$path" "$@"
}
s3_bucket() {
  local code; code=$(s3curl PUT "$1")
  case $code in 200|409) ;; *) fail "create bucket $1: HTTP $code" ;; esac
}
