#!/bin/sh
# The control plane's "done when" flow with nothing but curl (and sed to pick fields from JSON):
# sign up, log in, create a configuration, set its AXP Configuration Id, rotate its secret, add a
# sandbox and an FCM credential, create an app client, get a client_credentials token, list the
# audit log. Usage: onboard.sh [base-url] [service-account.json]   (default http://localhost:8081;
# without a service-account file the FCM step is skipped). Stops at the first unexpected answer.
set -eu
BASE=${1:-http://localhost:8081}
SERVICE_ACCOUNT=${2:-}
EMAIL="owner-$(date +%s)-$$@example.test"
PASSWORD="a long demo passphrase"

# call METHOD PATH EXPECTED-STATUS [curl args...]: prints the body, fails on another status
call() {
    method=$1 path=$2 expected=$3
    shift 3
    answer=$(curl -sS -X "$method" -w '\n%{http_code}' "$BASE$path" "$@")
    status=$(printf '%s' "$answer" | tail -n 1)
    body=$(printf '%s' "$answer" | sed '$d')
    if [ "$status" != "$expected" ]; then
        echo "$method $path answered $status, not $expected: $body" >&2
        exit 1
    fi
    printf '%s' "$body"
}
# field NAME: the string value of "NAME" in the JSON on stdin
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

call POST /v1/signup 201 -H 'Content-Type: application/json' \
    --data-binary "{\"tenantName\":\"Demo\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" >/dev/null
echo "signed up $EMAIL"
# every answer is taken into a variable first: a failed call in a pipeline would not stop the script
LOGIN=$(call POST /v1/auth/login 200 -H 'Content-Type: application/json' \
    --data-binary "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}")
TOKEN=$(printf '%s' "$LOGIN" | field access_token)
[ -n "$TOKEN" ] || { echo "POST /v1/auth/login answered no access_token: $LOGIN" >&2; exit 1; }
AUTH="Authorization: Bearer $TOKEN"
echo "logged in"

CONFIGURATION=$(call POST /v1/configurations 201 -H "$AUTH" -H 'Content-Type: application/json' \
    --data-binary '{"name":"Demo app"}')
ID=$(printf '%s' "$CONFIGURATION" | field id)
echo "configuration $ID, callback URL $(printf '%s' "$CONFIGURATION" | field callbackUrl)"
call PATCH "/v1/configurations/$ID" 200 -H "$AUTH" -H 'Content-Type: application/json' \
    --data-binary "{\"axpConfigurationId\":\"axp-$ID\"}" >/dev/null
echo "AXP Configuration Id set"
call POST "/v1/configurations/$ID/secret:rotate" 200 -H "$AUTH" >/dev/null
echo "secret rotated"

call POST /v1/credentials 201 -H "$AUTH" -H 'Content-Type: application/json' \
    --data-binary '{"type":"sandbox","name":"Sandbox"}' >/dev/null
echo "sandbox credential added"
if [ -n "$SERVICE_ACCOUNT" ]; then
    # the file's text as a JSON string: escape backslashes and quotes, join lines with \n
    ESCAPED=$(sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' "$SERVICE_ACCOUNT" | sed -e ':a' -e 'N' -e '$!ba' -e 's/\n/\\n/g')
    call POST /v1/credentials 201 -H "$AUTH" -H 'Content-Type: application/json' \
        --data-binary "{\"type\":\"fcm\",\"name\":\"Android\",\"serviceAccountJson\":\"$ESCAPED\"}" >/dev/null
    echo "FCM credential added"
fi

CLIENT=$(call POST /v1/app-clients 201 -H "$AUTH" -H 'Content-Type: application/json' \
    --data-binary '{"name":"Demo app"}')
CLIENT_ID=$(printf '%s' "$CLIENT" | field clientId)
CLIENT_SECRET=$(printf '%s' "$CLIENT" | field clientSecret)
echo "app client $CLIENT_ID"
GRANT=$(call POST /oauth2/token 200 -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials)
echo "client_credentials token with scope: $(printf '%s' "$GRANT" | field scope)"

AUDIT=$(call GET /v1/audit-events 200 -H "$AUTH")
echo "audit log, newest first:"
# one event a line (a newline in the replacement, as every sed takes it), then each one's action
printf '%s\n' "$AUDIT" | sed 's/},{/}\
{/g' | sed -n 's/.*"action":"\([^"]*\)".*/  \1/p'
