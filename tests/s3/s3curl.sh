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
# s3_listing BUCKET PREFIX: the ListObjectsV2 XML of PREFIX (keys, sizes, ETags, times), for
# "nothing changed" checks (up to 1000 keys).
s3_listing() {
  curl -sS --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" \
    "$MLO_S3_ENDPOINT/$1?list-type=2&prefix=${2//\//%2F}"
}
