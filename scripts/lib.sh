# shellcheck shell=bash
# Helpers shared by scripts/dev and scripts/test: find, start, wait for and stop the Firestore
# and Pub/Sub emulators. Source it after setting ROOT and PROG.
#
# Emulators start with setsid, so each is the leader of its own process group; stopping one
# means signalling that group (kill -- -PGID). The Firestore launcher is a shell script whose
# Java child would outlive a plain kill, and nothing here ever kills by name.

# Process groups of the emulators this script started, to stop on exit.
STARTED_PGIDS=()

die() {
	echo "${PROG:-privacyloket}: $*" >&2
	exit 1
}

note() {
	echo "${PROG:-privacyloket}: $*" >&2
}

# random_key prints 32 random bytes in base64 (LINK_SIGNING_KEY, ID_ENCRYPTION_KEY, PSEUDONYM_KEY).
random_key() {
	head -c 32 /dev/urandom | base64 | tr -d '\n'
}

# answering HOST:PORT succeeds when an emulator answers there.
answering() {
	[[ -n ${1:-} ]] && curl -fsS --max-time 2 -o /dev/null "http://$1/" 2>/dev/null
}

# port_in_use PORT succeeds when something accepts connections on 127.0.0.1:PORT.
port_in_use() {
	(: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port prints a port on 127.0.0.1 that nothing listens on now, below the kernel's ephemeral
# range: the emulators bind helper ports from that range, and one of them could take a port
# picked there before the emulator meant for it binds it.
free_port() {
	local p i top=32768
	read -r top _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || top=32768
	((top > 11000)) || top=32768
	for ((i = 0; i < 100; i++)); do
		p=$((10000 + RANDOM % (top - 10000)))
		if ! port_in_use "$p"; then
			echo "$p"
			return 0
		fi
	done
	die "found no free port on 127.0.0.1"
}

# find_platform sets PLATFORM to the Cloud SDK's platform directory, or dies saying what to
# install. (Not a $(...) helper: die in a subshell would end only the subshell.)
find_platform() {
	local sdk
	[[ -z ${PLATFORM:-} ]] || return 0
	command -v gcloud >/dev/null 2>&1 ||
		die "gcloud is missing: install the Debian packages google-cloud-cli google-cloud-cli-firestore-emulator google-cloud-cli-pubsub-emulator default-jre-headless (see README)"
	command -v java >/dev/null 2>&1 ||
		die "java is missing: the emulators need a Java runtime; install the Debian package default-jre-headless"
	sdk=$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null) || true
	[[ -n $sdk ]] || die "gcloud does not name its SDK root (gcloud info --format='value(installation.sdk_root)')"
	[[ -x $sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator ]] ||
		die "the Firestore emulator is missing: install the Debian package google-cloud-cli-firestore-emulator"
	[[ -x $sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator ]] ||
		die "the Pub/Sub emulator is missing: install the Debian package google-cloud-cli-pubsub-emulator"
	PLATFORM=$sdk/platform
}

# start_group LOG CMD... starts CMD in a new session with its output in LOG and sets
# STARTED_PID to its PID, which is also its process-group id.
start_group() {
	local log=$1
	shift
	# A background job of a non-interactive shell is no group leader, so setsid does not fork
	# and $! is the new session's leader.
	setsid "$@" >"$log" 2>&1 </dev/null &
	STARTED_PID=$!
	STARTED_PGIDS+=("$STARTED_PID")
}

# wait_answering NAME HOST PID LOG SECONDS polls until the emulator answers, failing early if
# its process died, and with its log's tail if the deadline passes.
wait_answering() {
	local name=$1 host=$2 pid=$3 log=$4 deadline=$((SECONDS + $5))
	until answering "$host"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 20 "$log" >&2 || true
			die "the $name emulator stopped before it answered on $host (log above)"
		fi
		if ((SECONDS >= deadline)); then
			tail -n 20 "$log" >&2 || true
			die "the $name emulator did not answer on $host within $5 s (log above)"
		fi
		sleep 0.1
	done
}

# ensure_emulators LOGDIR reuses the emulators that FIRESTORE_EMULATOR_HOST and
# PUBSUB_EMULATOR_HOST name when they answer, starts the others on free ports, waits until
# both answer, and exports both variables.
ensure_emulators() {
	local logdir=$1 fs_pid="" ps_pid="" port
	if answering "${FIRESTORE_EMULATOR_HOST:-}"; then
		note "reusing the Firestore emulator at $FIRESTORE_EMULATOR_HOST"
	else
		[[ -z ${FIRESTORE_EMULATOR_HOST:-} ]] || note "FIRESTORE_EMULATOR_HOST=$FIRESTORE_EMULATOR_HOST does not answer; starting one"
		find_platform
		port=$(free_port)
		FIRESTORE_EMULATOR_HOST=127.0.0.1:$port
		start_group "$logdir/firestore.log" "$PLATFORM/cloud-firestore-emulator/cloud_firestore_emulator" start --host=127.0.0.1 --port="$port"
		fs_pid=$STARTED_PID
	fi
	if answering "${PUBSUB_EMULATOR_HOST:-}"; then
		note "reusing the Pub/Sub emulator at $PUBSUB_EMULATOR_HOST"
	else
		[[ -z ${PUBSUB_EMULATOR_HOST:-} ]] || note "PUBSUB_EMULATOR_HOST=$PUBSUB_EMULATOR_HOST does not answer; starting one"
		find_platform
		port=$(free_port)
		# Never the Firestore emulator's port, which may not be listening yet.
		while [[ $port == "${FIRESTORE_EMULATOR_HOST##*:}" ]]; do port=$(free_port); done
		PUBSUB_EMULATOR_HOST=127.0.0.1:$port
		start_group "$logdir/pubsub.log" "$PLATFORM/pubsub-emulator/bin/cloud-pubsub-emulator" --host=127.0.0.1 --port="$port"
		ps_pid=$STARTED_PID
	fi
	export FIRESTORE_EMULATOR_HOST PUBSUB_EMULATOR_HOST
	# Both start at once; wait for each in turn.
	[[ -z $fs_pid ]] || wait_answering Firestore "$FIRESTORE_EMULATOR_HOST" "$fs_pid" "$logdir/firestore.log" 90
	[[ -z $ps_pid ]] || wait_answering Pub/Sub "$PUBSUB_EMULATOR_HOST" "$ps_pid" "$logdir/pubsub.log" 90
}

# stop_group PGID [SECONDS] asks a process group to stop, then kills what is left at the deadline.
stop_group() {
	local pgid=$1 deadline=$((SECONDS + ${2:-10}))
	kill -TERM -- "-$pgid" 2>/dev/null || return 0
	while kill -0 -- "-$pgid" 2>/dev/null; do
		if ((SECONDS >= deadline)); then
			kill -KILL -- "-$pgid" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
	wait "$pgid" 2>/dev/null || true
}

# stop_started stops every emulator this script started.
stop_started() {
	local pgid
	for pgid in "${STARTED_PGIDS[@]}"; do
		stop_group "$pgid"
	done
	STARTED_PGIDS=()
}
