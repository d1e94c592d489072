/*
 * dynop plugin ABI: the only contract between the dynop host and a plugin.
 *
 * Plain C so that a plugin built with another compiler or standard library
 * still loads: no STL type, exception, RTTI object or shared_ptr crosses this
 * boundary. Plugin authors normally use the header-only C++ layer in
 * <dynop/sdk/...> on top of it; this header is what that layer compiles to.
 *
 * Versioning (checked by the host before anything else is called):
 *   - a plugin states the ABI version it was built against in its descriptor
 *     (abi_major/abi_minor, normally DYNOP_ABI_VERSION_MAJOR/MINOR);
 *   - the host loads it only if the majors are equal and the host's minor is
 *     >= the plugin's minor: a plugin built against SDK 1.Y loads in every
 *     host 1.Z with Z >= Y. Otherwise the host refuses it with one log line
 *     naming the file and both versions:
 *       "it needs plugin ABI 1.Y but this host only provides 1.Z; upgrade the
 *        host or rebuild the plugin against an older SDK"
 *       "it was built for plugin ABI X.Y but this host speaks ABI 1.Z (the
 *        major version must match); rebuild it against the SDK of this host"
 *
 * How structs grow (what keeps the rule above true in code):
 *   - Every struct that may grow carries `struct_size`, its size in bytes as
 *     the side that owns its memory compiled it. The descriptor and the host
 *     table have had it first since 1.0. The structs of 1.0 that had none got
 *     a `size_t struct_size` appended in 1.1, right after their 1.0 fields:
 *     inserting it first would have moved the fields 1.0 plugins write, and a
 *     size_t there starts exactly where the 1.0 struct ended. Structs added
 *     after 1.1 have it first.
 *   - A plugin that declares abi_minor 0 has no struct_size in those structs;
 *     the host then takes their 1.0 size (the offset of struct_size).
 *   - Plugin memory the host reads (the descriptor, hook tables, array
 *     elements a hook returns): the plugin sets struct_size; the host reads
 *     only the fields that lie within it and takes 0/NULL, each field's
 *     documented default, for the others. In an array every element has the
 *     same struct_size, which is also the array's stride.
 *   - Host memory a hook fills (marked "out" below: specs, results,
 *     responses): the host zeroes it, sets struct_size to its own size and
 *     its defaults; the plugin writes only the fields that lie within that
 *     struct_size and leaves struct_size alone.
 *   - The host table: a plugin calls a slot only if the host's struct_size
 *     covers it (DYNOP_HOST_HAS below); the C++ layer answers
 *     DYNOP_NOT_IMPLEMENTED for a slot the host lacks.
 *   - Fixed forever (a change is a new major): dynop_str, dynop_status,
 *     dynop_gvk, dynop_object_ref, dynop_key, dynop_label, dynop_key_list,
 *     dynop_scale_decision_list, the structs embedded in others, which
 *     therefore cannot grow: dynop_lifecycle_hooks (new lifecycle hooks are
 *     appended to the descriptor instead) and dynop_cache_spec (1.2; new
 *     cache options are appended to dynop_watch and dynop_reconciler_spec),
 *     dynop_prom_point (1.2), and the placement vocabulary of 1.2 that mirrors
 *     Kubernetes types: dynop_resource_amount, dynop_taint, dynop_toleration,
 *     dynop_selector_requirement, dynop_node_selector_term.
 *
 * Adding to the ABI (a new minor version):
 *   1. Append: new fields go at the end of a struct, after every field of
 *      earlier versions, with a "since 1.N" comment. Never insert, reorder,
 *      retype or remove a field, a status code or a capability bit; that is a
 *      new major version.
 *   2. Zero means "as before": a new field's default is 0/NULL, because that
 *      is what the host reads for a plugin whose struct predates the field.
 *   3. A new host callback is a slot appended to dynop_host; plugins test it
 *      with DYNOP_HOST_HAS, and its C++ wrapper answers DYNOP_NOT_IMPLEMENTED
 *      when the host lacks it.
 *   4. A new capability is a new DYNOP_CAP_* bit (added to DYNOP_CAP_ALL), a
 *      new hook table with struct_size first, and a pointer to it appended to
 *      dynop_plugin_descriptor.
 *   5. A new value the host passes into an existing hook (an event kind, a
 *      flag bit) goes only to plugins whose descriptor declares that minor
 *      or later: an older plugin's hook was written without it and may take
 *      it for something else (DYNOP_POD_PENDING_GONE, 1.3, is the example).
 *   6. Bump DYNOP_ABI_VERSION_MINOR once per change that lands, and keep the
 *      frozen 1.0 plugin (tests/fixtures/abi-1.0) loading and working: it is
 *      how every later change is checked against a real old plugin.
 *
 * Version history (a minor is released when a host ships with it; helpers
 * adding to the same unreleased minor share it rather than bumping twice):
 *   1.0  descriptor, lifecycle, reconciler, admission, placement (JSON text
 *        per pod and node), autoscaler; entry symbol dynop_plugin_entry.
 *   1.1  struct_size appended to every struct that may grow; entry function
 *        dynop_plugin_get_descriptor.
 *   1.2  placement runs: typed, host-decoded cluster/node/pod views, batch
 *        filter_nodes/score_nodes over node indexes, pre_filter candidates,
 *        reserve_node/unreserve_node, pod groups (gangs) with topology keys,
 *        node and pod events for plugin-side indexes;
 *        placement_spec.nodes_to_score.
 *        Autoscaling: host callbacks prometheus_query and
 *        prometheus_query_range, with dynop_prom_result, dynop_prom_series
 *        and dynop_prom_point; the host runs autoscaler plugins' evaluate
 *        (see "Capability: autoscaler").
 *        Reconcilers say what the host caches of each kind (dynop_cache_spec:
 *        whole, metadata only or field paths, and whether they write it
 *        back) in dynop_watch.cache and dynop_reconciler_spec.primary_cache.
 *   1.3  placement: pod_event kind DYNOP_POD_PENDING_GONE (with node
 *        DYNOP_NO_NODE): a pod the plugin was asked to place left the queue
 *        without being bound, sent only to plugins declaring 1.3 or later.
 *
 * Strings: every string crossing the boundary is a dynop_str (pointer + byte
 * length, UTF-8, NOT necessarily NUL-terminated), except the descriptor's
 * name/version/description, which are NUL-terminated static strings.
 *
 * Ownership rules, used by every declaration below:
 *   [in]          memory passed INTO a call is owned by the caller and valid
 *                 only for the duration of that call. Copy what you keep.
 *   [plugin-out]  memory a plugin returns (status messages, response fields,
 *                 arrays) is owned by the plugin and must stay valid until the
 *                 plugin's next hook call on the same thread, or until
 *                 destroy. The host copies what it keeps. (The C++ layer uses
 *                 thread-local buffers for this.)
 *   [host-out]    memory the host returns from a callback (status messages,
 *                 JSON bytes) is owned by the host and stays valid until the
 *                 next host callback made from the same thread, or until the
 *                 hook that is running returns, whichever comes first.
 *
 * Objects cross the boundary as JSON bytes, exactly as the Kubernetes API
 * server speaks them.
 */
#ifndef DYNOP_ABI_H_
#define DYNOP_ABI_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DYNOP_ABI_VERSION_MAJOR 1
#define DYNOP_ABI_VERSION_MINOR 3

/* The function a plugin exports to hand the host its descriptor, and the
 * ABI 1.0 form of the entry (see "Entry function" at the end). */
#define DYNOP_PLUGIN_ENTRY_FUNCTION "dynop_plugin_get_descriptor"
#define DYNOP_PLUGIN_ENTRY_SYMBOL "dynop_plugin_entry"

/* ------------------------------------------------------------------------ */
/* Basic types                                                              */
/* ------------------------------------------------------------------------ */

/* A byte string: `data` may be NULL when `size` is 0. Not NUL-terminated. */
typedef struct dynop_str {
  const char* data;
  size_t size;
} dynop_str;

/*
 * Status codes. One status type for every hook and every host callback, as in
 * the kube-scheduler framework. Codes are stable; new ones are only added.
 */
typedef enum dynop_status_code {
  /* Success. For filter: the node fits. */
  DYNOP_OK = 0,
  /* Unexpected failure; the host retries with per-key exponential backoff
   * where retrying makes sense (reconcile), and logs the message. */
  DYNOP_ERROR = 1,
  /* Failure that retrying will not fix (bad spec, invalid config); the host
   * does not retry. For init: the plugin is not started. */
  DYNOP_TERMINAL_ERROR = 2,
  /* A caller passed something malformed (bad JSON, unknown handle). */
  DYNOP_INVALID_ARGUMENT = 3,
  /* The object does not exist (get/update/patch/delete, scale). */
  DYNOP_NOT_FOUND = 4,
  /* Write conflict: resourceVersion mismatch or object already exists.
   * Re-read and retry. */
  DYNOP_CONFLICT = 5,
  /* Transient: API server unreachable, cache not yet synced, throttled. */
  DYNOP_UNAVAILABLE = 6,
  /* The callee cannot serve this call: a host callback the host's table
   * lacks (the C++ layer answers this for slots beyond host->struct_size),
   * or a Kubernetes callback of a host running without a cluster connection
   * (admission only). Plugins treat it as "feature unavailable", never as a
   * crash. */
  DYNOP_NOT_IMPLEMENTED = 7,
  /* placement.filter/reserve/bind: the pod does not fit this node now, but
   * might later (e.g. GPUs in use). */
  DYNOP_UNSCHEDULABLE = 8,
  /* placement.filter: the pod can never fit this node (e.g. wrong GPU model);
   * the host does not re-evaluate the node for this pod until it changes. */
  DYNOP_UNSCHEDULABLE_AND_UNRESOLVABLE = 9,
  /* placement.*: this plugin has nothing to say about this pod; the host
   * skips its remaining hooks for the pod (bind: use the default binder). */
  DYNOP_SKIP = 10
} dynop_status_code;

/* code: a dynop_status_code. message: why, for a human; empty on DYNOP_OK.
 * Ownership of message: [plugin-out] when returned by a hook, [host-out]
 * when returned by a host callback. */
typedef struct dynop_status {
  int32_t code;
  dynop_str message;
} dynop_status;

/* Capability bits of a plugin (descriptor.capabilities). */
#define DYNOP_CAP_RECONCILER (UINT64_C(1) << 0)
#define DYNOP_CAP_ADMISSION (UINT64_C(1) << 1)
#define DYNOP_CAP_PLACEMENT (UINT64_C(1) << 2)
#define DYNOP_CAP_AUTOSCALER (UINT64_C(1) << 3)
/* The bits of ABI 1.0. */
#define DYNOP_CAP_ALL_V1_0 \
  (DYNOP_CAP_RECONCILER | DYNOP_CAP_ADMISSION | DYNOP_CAP_PLACEMENT | DYNOP_CAP_AUTOSCALER)
/* Every bit this ABI version knows; the host refuses plugins with others. */
#define DYNOP_CAP_ALL DYNOP_CAP_ALL_V1_0

/* Where `field` of struct `type` ends, in bytes from the struct's start. */
#ifdef __cplusplus
#define DYNOP_FIELD_END(type, field) (offsetof(type, field) + sizeof(type::field))
#else
#define DYNOP_FIELD_END(type, field) (offsetof(type, field) + sizeof(((const type*)0)->field))
#endif
/* Non-zero when a `type` whose struct_size is `size` holds `field`. */
#define DYNOP_HAS_FIELD(type, size, field) (DYNOP_FIELD_END(type, field) <= (size))

/* A kind, e.g. {"nvidia.com", "v1alpha1", "DynamoGraphDeployment"}. The core
 * group is the empty string. */
typedef struct dynop_gvk {
  dynop_str group;
  dynop_str version;
  dynop_str kind;
} dynop_gvk;

/* One object (or, with an empty name, a collection) of a kind. `ns` is empty
 * for cluster-scoped kinds and, in list calls, means "all namespaces". */
typedef struct dynop_object_ref {
  dynop_gvk gvk;
  dynop_str ns;
  dynop_str name;
} dynop_object_ref;

/* A work-queue key: namespace/name of a primary object (ns empty for
 * cluster-scoped primaries). */
typedef struct dynop_key {
  dynop_str ns;
  dynop_str name;
} dynop_key;

/* One Prometheus label. */
typedef struct dynop_label {
  dynop_str name;
  dynop_str value;
} dynop_label;

/* Opaque plugin instance, created by init and freed by destroy. */
typedef struct dynop_plugin dynop_plugin;

/* Opaque host context, handed back to every host callback. One per plugin,
 * so the host knows which plugin calls (for log prefixes, metrics, keys). */
typedef struct dynop_host_context dynop_host_context;

/* ------------------------------------------------------------------------ */
/* Host callbacks: the host fills this table; plugins call through it.      */
/* ------------------------------------------------------------------------ */

typedef enum dynop_log_level {
  DYNOP_LOG_TRACE = 0,
  DYNOP_LOG_DEBUG = 1,
  DYNOP_LOG_INFO = 2,
  DYNOP_LOG_WARN = 3,
  DYNOP_LOG_ERROR = 4
} dynop_log_level;

typedef enum dynop_metric_type {
  DYNOP_METRIC_COUNTER = 0,
  DYNOP_METRIC_GAUGE = 1,
  DYNOP_METRIC_HISTOGRAM = 2
} dynop_metric_type;

/* What metric_update does to the series selected by the labels. Counters
 * accept INC; gauges SET, INC, DEC; histograms OBSERVE. */
typedef enum dynop_metric_op {
  DYNOP_METRIC_INC = 0,
  DYNOP_METRIC_DEC = 1,
  DYNOP_METRIC_SET = 2,
  DYNOP_METRIC_OBSERVE = 3
} dynop_metric_op;

/* Handle of a registered metric family; 0 is never a valid handle. Valid
 * until the plugin is destroyed. */
typedef uint64_t dynop_metric;

typedef enum dynop_patch_type {
  DYNOP_PATCH_MERGE = 0,          /* application/merge-patch+json */
  DYNOP_PATCH_JSON = 1,           /* application/json-patch+json */
  DYNOP_PATCH_STRATEGIC_MERGE = 2 /* application/strategic-merge-patch+json */
} dynop_patch_type;

typedef enum dynop_event_type { DYNOP_EVENT_NORMAL = 0, DYNOP_EVENT_WARNING = 1 } dynop_event_type;

/* ---- Prometheus query results (since 1.2) ---- */

/* What a query returned, as Prometheus's HTTP API names it (resultType). */
typedef enum dynop_prom_result_type {
  DYNOP_PROM_VECTOR = 0, /* instant query: one point per series */
  DYNOP_PROM_MATRIX = 1, /* range query: points per series, oldest first */
  DYNOP_PROM_SCALAR = 2, /* one series without labels and one point */
  DYNOP_PROM_STRING = 3  /* string_value holds it; no series */
} dynop_prom_result_type;

/* One sample: seconds since the Unix epoch, and the value (NaN and +-Inf as
 * Prometheus returns them). Fixed forever. */
typedef struct dynop_prom_point {
  double timestamp;
  double value;
} dynop_prom_point;

/* One series of a result; all pointers [host-out]. */
typedef struct dynop_prom_series {
  /* sizeof(dynop_prom_series) as the host compiled it; the same in every
   * element of the array, and the array's stride. */
  size_t struct_size;
  const dynop_label* labels; /* the series' labels, __name__ included when kept */
  size_t label_count;
  const dynop_prom_point* points; /* vector and scalar: exactly one */
  size_t point_count;
} dynop_prom_series;

/* out: filled by prometheus_query and prometheus_query_range. The plugin
 * zeroes it and sets struct_size to its own size; the host writes only the
 * fields that lie within it. Pointers [host-out]. */
typedef struct dynop_prom_result {
  size_t struct_size;
  int32_t result_type; /* dynop_prom_result_type */
  const dynop_prom_series* series;
  size_t series_count;
  dynop_str string_value; /* DYNOP_PROM_STRING only */
  /* Prometheus's warnings (e.g. a rate over a series that is not a counter);
   * the result is still valid. */
  const dynop_str* warnings;
  size_t warning_count;
} dynop_prom_result;

/*
 * Threading: every callback may be called from any thread the host runs a
 * hook on, concurrently; the host makes them thread-safe. Callbacks never
 * call back into the plugin. They must not be called after the plugin's
 * destroy hook has returned, nor from threads the plugin still runs after
 * stop has returned.
 *
 * A host of an older minor has a shorter table: call a slot only when
 * DYNOP_HOST_HAS(host, slot) holds. Every slot of ABI 1.0 (log up to
 * requeue_after) is in every host's table.
 */
typedef struct dynop_host {
  /* sizeof(dynop_host) as the host compiled it; at least
   * DYNOP_HOST_SIZE_V1_0. */
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;
  dynop_host_context* ctx;

  /* ---- logging ---- */

  /* Writes one log line, attributed to the plugin. message [in]. */
  void (*log)(dynop_host_context* ctx, int32_t level, dynop_str message);

  /* ---- metrics (exported on the host's /metrics) ---- */

  /* Registers a metric family (or finds the one this plugin registered under
   * the same name and type) and returns its handle in *out. name and help
   * [in]; buckets [in], upper bounds in increasing order, histograms only
   * (NULL/0 elsewhere, or for the default buckets). Returns
   * DYNOP_INVALID_ARGUMENT for a bad name or a name already used with
   * another type. */
  dynop_status (*metric_register)(dynop_host_context* ctx, int32_t type, dynop_str name,
                                  dynop_str help, const double* buckets, size_t bucket_count,
                                  dynop_metric* out);

  /* Updates the series of `metric` with these labels (label order is
   * irrelevant); op must suit the metric's type. labels [in]. */
  dynop_status (*metric_update)(dynop_host_context* ctx, dynop_metric metric, int32_t op,
                                const dynop_label* labels, size_t label_count, double value);

  /* ---- cached reads: served from the host's informer caches ---- */

  /* Object `ref` as JSON in *out_json [host-out]. DYNOP_NOT_FOUND when it
   * is not in the cache; DYNOP_UNAVAILABLE before the cache synced. */
  dynop_status (*get_object)(dynop_host_context* ctx, const dynop_object_ref* ref,
                             dynop_str* out_json);

  /* Objects of ref->gvk in ref->ns (empty: all namespaces; ref->name is
   * ignored) matching label_selector (Kubernetes syntax, empty: all), as a
   * JSON array of objects in *out_json [host-out]. */
  dynop_status (*list_objects)(dynop_host_context* ctx, const dynop_object_ref* ref,
                               dynop_str label_selector, dynop_str* out_json);

  /* ---- writes: go to the API server, not the cache ---- */
  /* For each: object/patch [in]; on success *out_json [host-out] is the
   * object the server returned (may be NULL to ignore it). Errors map the
   * API server's answer: 404 DYNOP_NOT_FOUND, 409 DYNOP_CONFLICT, 422/400
   * DYNOP_INVALID_ARGUMENT, 429/5xx/timeouts DYNOP_UNAVAILABLE; the message
   * is the server's Status message. */

  /* POST object_json (its kind must be ref->gvk; ref->name may be empty
   * when metadata.generateName is set). */
  dynop_status (*create_object)(dynop_host_context* ctx, const dynop_object_ref* ref,
                                dynop_str object_json, dynop_str* out_json);
  /* PUT: optimistic concurrency on metadata.resourceVersion. */
  dynop_status (*update_object)(dynop_host_context* ctx, const dynop_object_ref* ref,
                                dynop_str object_json, dynop_str* out_json);
  /* PATCH with a dynop_patch_type body. */
  dynop_status (*patch_object)(dynop_host_context* ctx, const dynop_object_ref* ref,
                               int32_t patch_type, dynop_str patch, dynop_str* out_json);
  /* DELETE; propagation is Background. DYNOP_NOT_FOUND if already gone. */
  dynop_status (*delete_object)(dynop_host_context* ctx, const dynop_object_ref* ref);
  /* PUT on the status subresource. */
  dynop_status (*update_status)(dynop_host_context* ctx, const dynop_object_ref* ref,
                                dynop_str object_json, dynop_str* out_json);
  /* GET the scale subresource (autoscaling/v1 Scale JSON in *out_json). */
  dynop_status (*get_scale)(dynop_host_context* ctx, const dynop_object_ref* ref,
                            dynop_str* out_json);
  /* PATCH the scale subresource's spec.replicas. */
  dynop_status (*update_scale)(dynop_host_context* ctx, const dynop_object_ref* ref,
                               int32_t replicas, dynop_str* out_json);

  /* ---- events ---- */

  /* Records an Event on `involved` (an object reference; the host fills
   * uid and resourceVersion from its cache). reason: UpperCamelCase, short;
   * message: for humans. All [in]. Events are best effort: the host may
   * aggregate or drop them under load and still return DYNOP_OK. */
  dynop_status (*record_event)(dynop_host_context* ctx, const dynop_object_ref* involved,
                               int32_t type, dynop_str reason, dynop_str message);

  /* ---- work queue ---- */

  /* Adds `key` to this plugin's reconciler queue after delay_ms (0: now),
   * deduplicated with keys already queued. DYNOP_INVALID_ARGUMENT if the
   * plugin has no reconciler capability. key [in]. */
  dynop_status (*requeue_after)(dynop_host_context* ctx, dynop_key key, uint64_t delay_ms);

  /* ---- Prometheus (since 1.2) ----
   * The Prometheus the host is configured with (prometheus.url in its
   * configuration file, or --prometheus-url), so a plugin needs no address,
   * client or JSON parser of its own. Meant for autoscaler plugins' evaluate
   * but callable from any hook. Synchronous: a call waits for Prometheus, up
   * to the host's prometheus.timeout. query [in], PromQL; *out as documented
   * at dynop_prom_result. Errors:
   *   DYNOP_INVALID_ARGUMENT  Prometheus refused the query (bad_data,
   *                           execution): the message is its error text,
   *                           e.g. "bad_data: 1:6: parse error: ..."
   *   DYNOP_UNAVAILABLE       Prometheus is unreachable, timed out or failed
   *   DYNOP_NOT_IMPLEMENTED   this host has no Prometheus configured (or is
   *                           older than 1.2: see DYNOP_HOST_HAS)
   */

  /* An instant query (GET /api/v1/query) at `time`, seconds since the epoch;
   * 0 means now. The result is a vector, scalar or string. */
  dynop_status (*prometheus_query)(dynop_host_context* ctx, dynop_str query, double time,
                                   dynop_prom_result* out);
  /* A range query (GET /api/v1/query_range) from start to end (seconds since
   * the epoch) every step seconds (> 0). The result is a matrix. */
  dynop_status (*prometheus_query_range)(dynop_host_context* ctx, dynop_str query, double start,
                                         double end, double step, dynop_prom_result* out);

  /* New slots are appended here (see "Adding to the ABI"). */
} dynop_host;

/* The size of the table of an ABI 1.0 host: every host's table is at least
 * this large. */
#define DYNOP_HOST_SIZE_V1_0 DYNOP_FIELD_END(dynop_host, requeue_after)
/* Non-zero when the host's table has `slot` (a field name of dynop_host). */
#define DYNOP_HOST_HAS(host, slot) \
  (DYNOP_HAS_FIELD(dynop_host, (host)->struct_size, slot) && (host)->slot != NULL)

/* ------------------------------------------------------------------------ */
/* Capability: reconciler (controller-runtime style, level-based).          */
/* ------------------------------------------------------------------------ */

/* How a change of a watched object becomes keys of the primary kind. */
typedef enum dynop_watch_mapping {
  /* The key of the controller ownerReference, if it is of the primary kind. */
  DYNOP_MAP_CONTROLLER_OWNER = 0,
  /* The watched object's own namespace/name. */
  DYNOP_MAP_SAME_KEY = 1,
  /* Ask the plugin: reconciler.map_to_primary (then required). */
  DYNOP_MAP_FUNCTION = 2
} dynop_watch_mapping;

/* What the host keeps in its informer cache of a kind (dynop_cache_spec). */
typedef enum dynop_cache_mode {
  /* The whole object, minus metadata.managedFields. What plugins of ABI 1.0
   * and 1.1 get. */
  DYNOP_CACHE_FULL = 0,
  /* apiVersion, kind and metadata (minus managedFields), as
   * controller-runtime's metadata-only watches. */
  DYNOP_CACHE_METADATA = 1,
  /* apiVersion, kind, metadata.name, namespace, uid and resourceVersion,
   * plus the listed field paths (as Cilium's slim objects). */
  DYNOP_CACHE_FIELDS = 2
} dynop_cache_mode;

/*
 * What a reconciler needs of one kind it watches (since 1.2). Informers are
 * shared per kind: when plugins ask different things of one kind, the host
 * keeps their union (FULL wins). get_object and list_objects answer with
 * what the cache keeps, so a plugin may see more fields than it asked for,
 * never fewer. Label selectors, the controller-owner mapping and the host's
 * indexes work whatever the cache keeps: the host reads labels and owners
 * while decoding, before it drops anything. A kind a plugin reads without
 * declaring it is served as the cache keeps it for the others, so declare
 * every kind you read (a new capability that reads kinds gets cache specs
 * in its own spec when it is added).
 * Embedded in dynop_watch and dynop_reconciler_spec, so it never grows.
 */
typedef struct dynop_cache_spec {
  int32_t mode; /* dynop_cache_mode; 0: FULL */
  /* Non-zero: the plugin writes whole objects of this kind back
   * (update_object, update_status), so it must cache them FULL: the host
   * refuses the plugin at load when writes is set with another mode, since
   * a projection would make the write drop the fields the cache left out.
   * (Patches, creates and deletes need no declaration.) While the host
   * caches a kind projected, it refuses update_object and update_status of
   * that kind from any plugin. */
  uint32_t writes;
  /* DYNOP_CACHE_FIELDS: dotted paths ("metadata.labels", "status.phase");
   * a path keeps the whole value it names, and a path through an array
   * applies to every element ("status.conditions.type"). [plugin-out]. */
  const dynop_str* fields;
  size_t field_count;
} dynop_cache_spec;

/* One element of dynop_reconciler_spec.watches (plugin memory). */
typedef struct dynop_watch {
  dynop_gvk gvk;
  int32_t mapping; /* dynop_watch_mapping */
  /* since 1.1: sizeof(dynop_watch) as the plugin compiled it; the same in
   * every element of the array, and the array's stride. */
  size_t struct_size;
  /* since 1.2: what the host caches of this kind (zero: FULL). */
  dynop_cache_spec cache;
} dynop_watch;

/* out: filled by reconciler.describe. All pointers [plugin-out], but since
 * the host reads them once, static storage is the natural choice. */
typedef struct dynop_reconciler_spec {
  dynop_gvk primary;          /* the kind whose keys reconcile() receives */
  const dynop_watch* watches; /* owned/watched kinds; may be NULL if count 0 */
  size_t watch_count;
  uint32_t workers;   /* concurrent reconciles; 0 means 1 */
  size_t struct_size; /* since 1.1; set by the host */
  /* since 1.2: what the host caches of the primary kind (zero: FULL). */
  dynop_cache_spec primary_cache;
} dynop_reconciler_spec;

/* out: filled by reconcile(). requeue_after_ms is read only when the status
 * is DYNOP_OK: 0 means done (forget the key), >0 a delayed retry. */
typedef struct dynop_reconcile_result {
  uint64_t requeue_after_ms;
  size_t struct_size; /* since 1.1; set by the host */
} dynop_reconcile_result;

/* Keys returned by map_to_primary; array [plugin-out]. */
typedef struct dynop_key_list {
  const dynop_key* keys;
  size_t count;
} dynop_key_list;

typedef struct dynop_reconciler_hooks {
  /* Required. Called once by the host's main thread after init and before
   * start; fills *out. */
  dynop_status (*describe)(dynop_plugin* plugin, dynop_reconciler_spec* out);

  /* Required. Called by the host's reconcile worker threads, up to
   * spec.workers at once, never twice at once for the same key; keys added
   * while one is in flight run again afterwards. Called only between start
   * and stop. key [in]. Result, from the status:
   *   DYNOP_OK, requeue_after_ms 0    done: forget the key
   *   DYNOP_OK, requeue_after_ms > 0  run again after that delay
   *   DYNOP_TERMINAL_ERROR            log the message; no retry
   *   DYNOP_CONFLICT                  a write lost an optimistic-concurrency
   *                                   race: retried like an error, but
   *                                   logged at debug (an expected cost of
   *                                   concurrent writers, not a problem)
   *   any other code                  error: log, retry with per-key
   *                                   exponential backoff
   * The hook reads objects through host->get_object/list_objects and must
   * be idempotent: it sees the current state, never the event. */
  dynop_status (*reconcile)(dynop_plugin* plugin, dynop_key key, dynop_reconcile_result* out);

  /* Optional; required if a watch uses DYNOP_MAP_FUNCTION. Called by the
   * host's informer threads for each change of watches[watch_index];
   * object_json [in]; fills *out with keys of the primary kind. Must be
   * fast and must not call write callbacks. */
  dynop_status (*map_to_primary)(dynop_plugin* plugin, size_t watch_index, dynop_str object_json,
                                 dynop_key_list* out);

  /* since 1.1: sizeof(dynop_reconciler_hooks) as the plugin compiled it. */
  size_t struct_size;
} dynop_reconciler_hooks;

/* ------------------------------------------------------------------------ */
/* Capability: admission (validating webhook).                              */
/* ------------------------------------------------------------------------ */

#define DYNOP_OP_CREATE (1u << 0)
#define DYNOP_OP_UPDATE (1u << 1)
#define DYNOP_OP_DELETE (1u << 2)
#define DYNOP_OP_CONNECT (1u << 3)

/* One rule, as in a ValidatingWebhookConfiguration: resource is the plural
 * ("dynamographdeployments"), optionally with a subresource ("x/scale"). */
typedef struct dynop_admission_rule {
  dynop_str group;
  dynop_str version;
  dynop_str resource;
  uint32_t operations; /* DYNOP_OP_* bits */
  /* since 1.1: sizeof(dynop_admission_rule) as the plugin compiled it; the
   * same in every element of the array, and the array's stride. */
  size_t struct_size;
} dynop_admission_rule;

/* out: filled by admission.describe; pointers [plugin-out], read once. */
typedef struct dynop_admission_spec {
  const dynop_admission_rule* rules;
  size_t rule_count;
  size_t struct_size; /* since 1.1; set by the host */
} dynop_admission_spec;

/* out: filled by review; all pointers [plugin-out]. */
typedef struct dynop_admission_response {
  int32_t allowed;           /* non-zero: allowed */
  int32_t http_code;         /* status.code when denied (0: 403 when denied) */
  dynop_str message;         /* status.message when denied (shown by kubectl) */
  const dynop_str* warnings; /* shown by kubectl as "Warning: ..." */
  size_t warning_count;
  size_t struct_size; /* since 1.1; set by the host */
} dynop_admission_response;

typedef struct dynop_admission_hooks {
  /* Required. Called once by the host's main thread after init. */
  dynop_status (*describe)(dynop_plugin* plugin, dynop_admission_spec* out);

  /* Required. Called by the admission server's threads, concurrently and on
   * every replica (leader or not), between start and stop. request_json [in]
   * is the AdmissionReview's `request` object. A non-OK status means the
   * plugin failed (not "denied"): the host answers per the webhook's
   * failurePolicy and logs the message. Must be fast: it runs inside the
   * API server's request. */
  dynop_status (*review)(dynop_plugin* plugin, dynop_str request_json,
                         dynop_admission_response* out);

  /* since 1.1: sizeof(dynop_admission_hooks) as the plugin compiled it. */
  size_t struct_size;
} dynop_admission_hooks;

/* ------------------------------------------------------------------------ */
/* Capability: placement (kube-scheduler framework style).                  */
/* ------------------------------------------------------------------------ */
/*
 * The host runs the scheduling loop for every pod whose spec.schedulerName a
 * placement plugin claims (placement_spec.scheduler_name); it never touches
 * pods of other schedulers, but counts them on their nodes. The plugin judges
 * nodes; the host keeps the cluster's inventory, orders the pending pods
 * (priority, then age), writes the results (pods/binding, the PodScheduled
 * condition, Events) and, being leader-elected, binds only on the leader.
 *
 * One scheduling cycle for a pod, with the framework's vocabulary:
 *   pre_filter    optional: narrow the candidate nodes (or say none fits)
 *   filter_nodes  which candidates fit, and why the others do not
 *   score_nodes   rank the nodes that fit; the host takes the highest
 *   reserve_node  optional: claim the node in the plugin's own bookkeeping
 *   (bind)        the host posts pods/binding (or calls the plugin's bind)
 *   unreserve_node when anything after reserve fails; idempotent
 * A pod of a group (pod_group) is placed all or nothing: the host reserves a
 * node for every member before it binds any, inside one topology domain when
 * the plugin names topology keys, and unreserves them all if one does not
 * fit. If no node fits, the host counts the per-node reasons as kube-scheduler
 * does ("0/5000 nodes are available: 4990 Insufficient nvidia.com/gpu, ...")
 * and retries the pod when the cluster changes.
 *
 * Why this shape is fast (since 1.2; 1.0's hooks took one pod and one node as
 * JSON text per call, so 5,000 nodes cost 5,000 calls and 10,000 JSON parses
 * per pod):
 *   - no JSON crosses the boundary: the host decodes each node and pod once,
 *     when its watch event arrives, into the typed views below (labels sorted,
 *     resources as int64 amounts by small integer id), and hands pointers to
 *     its own memory; a view costs the plugin nothing to read;
 *   - one call judges many nodes: filter_nodes and score_nodes take an array
 *     of node indexes and fill an array of verdicts or scores, so a pod costs
 *     a few calls, not one per node, and a plugin can vectorize;
 *   - plugins may keep their own indexes: node_event and pod_event tell them
 *     every change of the inventory (including the host's own reservations),
 *     in order, on the scheduling thread, so a plugin can keep e.g. nodes
 *     bucketed by free GPUs and answer pre_filter with a short candidate
 *     list, best first, instead of filtering every node;
 *   - the host stops filtering once it has found placement_spec.nodes_to_score
 *     feasible candidates (kube-scheduler's percentageOfNodesToScore), so a
 *     plugin that orders its candidates well is asked about few nodes;
 *   - rejection reasons are interned: a verdict is a small integer into a
 *     reason table the plugin returns once per call, so 4,990 "Insufficient
 *     nvidia.com/gpu" cost 4,990 integers, not 4,990 strings.
 *
 * Threading: every placement hook except bind is called on the host's one
 * scheduling thread, never concurrently with another placement hook of the
 * same plugin, between start and stop: plugin state needs no locks. bind runs
 * on binding threads, concurrently for different pods.
 *
 * Plugins of ABI 1.0 and 1.1 (filter/score/reserve/unreserve with JSON text)
 * still run: the host calls their hook once per pod and node with the cached
 * objects' JSON, on the scheduling thread. A plugin of 1.2 or later sets
 * filter_nodes and score_nodes instead (and may leave filter/score NULL).
 */

/* ---- typed views, since 1.2 ---- */

/* Resource ids. The host interns every resource name it meets (in a node's
 * allocatable or a pod's requests) as a small integer, the same for the
 * host's lifetime; cluster->resource_names[id] is the name. These four are
 * fixed; extended resources (nvidia.com/gpu, nvidia.com/mig-3g.40gb, ...)
 * get ids from 4 up. Amounts are int64: CPU in millicores, everything else
 * in whole units (memory in bytes, GPUs as a count), rounded up, as
 * kube-scheduler counts them. */
#define DYNOP_RESOURCE_CPU 0u
#define DYNOP_RESOURCE_MEMORY 1u
#define DYNOP_RESOURCE_PODS 2u /* every pod requests 1; allocatable is the node's pod limit */
#define DYNOP_RESOURCE_EPHEMERAL_STORAGE 3u

/* One resource amount. Fixed forever. */
typedef struct dynop_resource_amount {
  uint32_t resource; /* a resource id */
  int64_t amount;
} dynop_resource_amount;

typedef enum dynop_taint_effect {
  DYNOP_TAINT_EFFECT_ALL = 0, /* tolerations only: an empty effect matches every effect */
  DYNOP_TAINT_NO_SCHEDULE = 1,
  DYNOP_TAINT_PREFER_NO_SCHEDULE = 2,
  DYNOP_TAINT_NO_EXECUTE = 3
} dynop_taint_effect;

/* A node's spec.taints[i]. Fixed forever. */
typedef struct dynop_taint {
  dynop_str key;
  dynop_str value;
  int32_t effect; /* dynop_taint_effect, never ALL */
} dynop_taint;

typedef enum dynop_toleration_operator {
  DYNOP_TOLERATION_EQUAL = 0, /* also an empty operator */
  DYNOP_TOLERATION_EXISTS = 1
} dynop_toleration_operator;

/* A pod's spec.tolerations[i]. An empty key with EXISTS tolerates every
 * taint. Fixed forever. */
typedef struct dynop_toleration {
  dynop_str key;
  int32_t op; /* dynop_toleration_operator */
  dynop_str value;
  int32_t effect; /* dynop_taint_effect; ALL for an empty effect */
} dynop_toleration;

typedef enum dynop_selector_operator {
  DYNOP_SELECTOR_IN = 0,
  DYNOP_SELECTOR_NOT_IN = 1,
  DYNOP_SELECTOR_EXISTS = 2,
  DYNOP_SELECTOR_DOES_NOT_EXIST = 3,
  DYNOP_SELECTOR_GT = 4,
  DYNOP_SELECTOR_LT = 5
} dynop_selector_operator;

/* A NodeSelectorRequirement (matchExpressions or matchFields). Fixed forever. */
typedef struct dynop_selector_requirement {
  dynop_str key;
  int32_t op; /* dynop_selector_operator */
  const dynop_str* values;
  size_t value_count;
} dynop_selector_requirement;

/* A NodeSelectorTerm: every requirement must hold. The only field key of
 * match_fields is "metadata.name". Fixed forever. */
typedef struct dynop_node_selector_term {
  const dynop_selector_requirement* match_expressions;
  size_t expression_count;
  const dynop_selector_requirement* match_fields;
  size_t field_count;
} dynop_node_selector_term;

/* dynop_node_view.flags */
#define DYNOP_NODE_READY (1u << 0)         /* condition Ready is True */
#define DYNOP_NODE_UNSCHEDULABLE (1u << 1) /* spec.unschedulable (cordoned) */
#define DYNOP_NODE_EXISTS (1u << 2)        /* the Node object exists (see below) */

/* One node as the host's inventory has it. A slot whose Node object is gone
 * (or not yet seen) while pods still count on it has no DYNOP_NODE_EXISTS
 * flag, no labels and no allocatable; the host never offers it as a
 * candidate. */
typedef struct dynop_node_view {
  size_t struct_size; /* the host's sizeof(dynop_node_view): the array's stride */
  dynop_str name;
  const dynop_label* labels; /* sorted by name, names unique */
  size_t label_count;
  const dynop_taint* taints;
  size_t taint_count;
  /* resource_count amounts each (cluster->resource_count), by resource id:
   * status.allocatable, and what counts on the node: the requests of its
   * bound pods that are not terminal (Succeeded/Failed) plus the pods the
   * host reserved it for but has not bound yet. Free = allocatable -
   * requested; requested may exceed allocatable (pods bound by others). */
  const int64_t* allocatable;
  const int64_t* requested;
  uint32_t flags; /* DYNOP_NODE_* */
} dynop_node_view;

/* The inventory, [in] to every placement hook that takes it; valid only
 * during the call (copy what you keep). Node indexes are stable while a
 * node exists: a slot is reused only after node_event(REMOVED) for it. */
typedef struct dynop_cluster_view {
  size_t struct_size;
  const dynop_node_view* nodes; /* node_count slots: read them with dynop_node_at */
  size_t node_count;
  const dynop_str* resource_names; /* by resource id */
  size_t resource_count;
} dynop_cluster_view;

/* Node view `i` of `cluster` (the stride is the host's struct size). */
static inline const dynop_node_view* dynop_node_at(const dynop_cluster_view* cluster, size_t i) {
#ifdef __cplusplus
  return reinterpret_cast<const dynop_node_view*>(reinterpret_cast<const char*>(cluster->nodes) +
                                                  i * cluster->nodes->struct_size);
#else
  return (const dynop_node_view*)((const char*)cluster->nodes + i * cluster->nodes->struct_size);
#endif
}

/* One pod, decoded once by the host. [in], valid only during the call. */
typedef struct dynop_pod_view {
  size_t struct_size;
  dynop_str ns;
  dynop_str name;
  dynop_str uid;
  const dynop_label* labels; /* sorted by name */
  size_t label_count;
  const dynop_label* annotations; /* sorted by name */
  size_t annotation_count;
  /* What the pod needs, as kube-scheduler computes it: per resource the
   * larger of the containers' summed requests and any init container's,
   * plus spec.overhead; sorted by resource id, zero amounts left out, and
   * always {DYNOP_RESOURCE_PODS, 1}. */
  const dynop_resource_amount* requests;
  size_t request_count;
  const dynop_label* node_selector; /* spec.nodeSelector, sorted */
  size_t node_selector_count;
  /* spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution
   * .nodeSelectorTerms: the node must match one of them; none: no rule. */
  const dynop_node_selector_term* required_node_affinity;
  size_t required_node_affinity_count;
  const dynop_toleration* tolerations;
  size_t toleration_count;
  int32_t priority;    /* spec.priority (from its PriorityClass); 0 when unset */
  dynop_str node_name; /* spec.nodeName: "" while pending */
} dynop_pod_view;

/* ---- hook results, since 1.2 ---- */

/* out: filled by pre_filter. The host zeroes it: every node is a candidate. */
typedef struct dynop_candidate_nodes {
  size_t struct_size; /* set by the host */
  /* Non-zero: only `nodes` are candidates, in the plugin's order of
   * preference (the host filters them in this order and, among equal
   * scores, takes the first). A node left out must be one filter_nodes
   * would reject: when no candidate fits, the host asks filter_nodes about
   * every node to report why. */
  int32_t restricted;
  const uint32_t* nodes; /* [plugin-out] node indexes */
  size_t node_count;
} dynop_candidate_nodes;

/* One reason a node does not fit: a code and kube-scheduler's reason texts
 * ("Insufficient nvidia.com/gpu", "node(s) had untolerated taint {k: v}"),
 * each counted once per node in the FailedScheduling message. An element of
 * a plugin array: struct_size first, the same in every element. */
typedef struct dynop_filter_reason {
  size_t struct_size; /* sizeof(dynop_filter_reason) as the plugin compiled it */
  /* DYNOP_UNSCHEDULABLE: might fit later (resources in use);
   * DYNOP_UNSCHEDULABLE_AND_UNRESOLVABLE: cannot fit until the node changes
   * (wrong GPU product, untolerated taint). */
  int32_t code;
  const dynop_str* messages; /* [plugin-out] */
  size_t message_count;
} dynop_filter_reason;

/* out: filled by filter_nodes. */
typedef struct dynop_filter_result {
  size_t struct_size;                 /* set by the host */
  const dynop_filter_reason* reasons; /* [plugin-out]; verdict r > 0 is reasons[r - 1] */
  size_t reason_count;
} dynop_filter_result;

/* out: filled by pod_group. The host zeroes it: the pod is not in a group. */
typedef struct dynop_pod_group {
  size_t struct_size; /* set by the host */
  /* [plugin-out] The group's name, unique in the pod's namespace: pods with
   * the same namespace and name are one group. Empty: no group. */
  dynop_str name;
  /* How many pods the group has: the host binds none of them until it has
   * reserved a node for each (0 or 1: no gang). */
  uint32_t min_member;
  /* [plugin-out] Node label keys naming topology domains, narrowest first
   * (e.g. "nvidia.com/gpu.clique", then a rack label): the host places the
   * whole group inside one domain of the first key under which some domain
   * can hold it. Keys no candidate node carries are skipped; when no key is
   * carried at all, the group goes anywhere. */
  const dynop_str* topology_keys;
  size_t topology_key_count;
  /* Non-zero: a group no single domain can hold (under any key that nodes
   * carry) is unschedulable; zero: it is then placed across domains. */
  int32_t topology_required;
} dynop_pod_group;

/* node_event kinds */
typedef enum dynop_node_event_kind {
  DYNOP_NODE_ADDED = 0,   /* the Node object appeared */
  DYNOP_NODE_UPDATED = 1, /* labels, taints, allocatable or flags changed (a change of
                             requested comes as pod_event) */
  DYNOP_NODE_REMOVED = 2  /* the Node object is gone; the view shows its last state */
} dynop_node_event_kind;

/* pod_event kinds */
typedef enum dynop_pod_event_kind {
  DYNOP_POD_ASSIGNED = 0,   /* the pod now counts on the node (bound, or reserved by the host) */
  DYNOP_POD_UNASSIGNED = 1, /* it no longer does (deleted, terminal, or unreserved) */
  /* since 1.3: a pod this scheduler was asked to place is gone without being
   * placed: deleted (or being deleted), terminal, or now another scheduler's.
   * The host will not ask about it again; node is DYNOP_NO_NODE. See
   * pod_event for who gets it and why. */
  DYNOP_POD_PENDING_GONE = 2
} dynop_pod_event_kind;

/* since 1.3: the node argument of a pod_event that concerns no node
 * (DYNOP_POD_PENDING_GONE). Never a valid node index. */
#define DYNOP_NO_NODE UINT32_MAX

/* out: filled by placement.describe. */
typedef struct dynop_placement_spec {
  dynop_str scheduler_name; /* pods with this spec.schedulerName */
  size_t struct_size;       /* since 1.1; set by the host */
  /* since 1.2: stop filtering once this many candidates fit, and score only
   * those (0: filter and score every candidate). */
  uint32_t nodes_to_score;
} dynop_placement_spec;

typedef struct dynop_placement_hooks {
  /* Required. Called once by the host's main thread after init. */
  dynop_status (*describe)(dynop_plugin* plugin, dynop_placement_spec* out);

  /* ABI 1.0's per-node hooks. Required unless filter_nodes and score_nodes
   * (1.2) are set, which the host then uses instead. pod_json and node_json
   * [in] are the cached objects. filter: DYNOP_OK fits;
   * DYNOP_UNSCHEDULABLE[_AND_UNRESOLVABLE] does not, the message (one
   * reason) says why. score: *out_score in [0, 100], higher is better.
   * Called on the scheduling thread, once per pod and candidate node. */
  dynop_status (*filter)(dynop_plugin* plugin, dynop_str pod_json, dynop_str node_json);
  dynop_status (*score)(dynop_plugin* plugin, dynop_str pod_json, dynop_str node_json,
                        int64_t* out_score);

  /* Optional (NULL: nothing to reserve), used when reserve_node is NULL.
   * Called on the scheduling thread: claim the node in the plugin's own
   * bookkeeping before binding. */
  dynop_status (*reserve)(dynop_plugin* plugin, dynop_str pod_json, dynop_str node_name);

  /* Required when reserve is set. Undo reserve. Must be idempotent: it may
   * be called for a pod that was never reserved or already unreserved. */
  dynop_status (*unreserve)(dynop_plugin* plugin, dynop_str pod_json, dynop_str node_name);

  /* Optional (NULL or DYNOP_SKIP: the host posts pods/binding itself). Runs
   * on a binding thread, concurrently for different pods; pod_json [in] is
   * the cached pod. DYNOP_OK: the plugin bound it. */
  dynop_status (*bind)(dynop_plugin* plugin, dynop_str pod_json, dynop_str node_name);

  /* since 1.1: sizeof(dynop_placement_hooks) as the plugin compiled it. */
  size_t struct_size;

  /* ---- since 1.2 ---- */

  /* Optional (NULL: every node is a candidate). Once per pod per cycle.
   * DYNOP_OK with *out filled (or left as zeroed: all nodes);
   * DYNOP_UNSCHEDULABLE[_AND_UNRESOLVABLE]: no node can take the pod, the
   * message says why (the FailedScheduling message then reads "0/N nodes are
   * available: <message>."). */
  dynop_status (*pre_filter)(dynop_plugin* plugin, const dynop_cluster_view* cluster,
                             const dynop_pod_view* pod, dynop_candidate_nodes* out);

  /* With score_nodes, replaces filter/score. Judges `count` nodes (indexes
   * [in]) for `pod`: out_verdicts [host memory, count entries, zeroed] gets
   * 0 where the node fits, else r > 0 naming out->reasons[r - 1]. A non-OK
   * status means the plugin failed: the host logs it and retries the pod
   * with backoff. Side-effect free. A node's verdict depends on the pod and
   * that node only, not on the other nodes of the call: the host cuts and
   * joins batches as it likes (chunks of nodes; all of a gang's topology
   * domains in one call). */
  dynop_status (*filter_nodes)(dynop_plugin* plugin, const dynop_cluster_view* cluster,
                               const dynop_pod_view* pod, const uint32_t* nodes, size_t count,
                               uint32_t* out_verdicts, dynop_filter_result* out);

  /* Scores `count` nodes that passed filter_nodes: out_scores [host memory,
   * count entries] each in [0, 100], higher is better. Side-effect free.
   * As with filter_nodes, a node's score depends on the pod and that node
   * only, not on which other nodes share the call. */
  dynop_status (*score_nodes)(dynop_plugin* plugin, const dynop_cluster_view* cluster,
                              const dynop_pod_view* pod, const uint32_t* nodes, size_t count,
                              int64_t* out_scores);

  /* Optional; with it, unreserve_node is required (and reserve/unreserve
   * are not called). The host has already counted the pod on the node (the
   * view shows it, and node_event/pod_event have told the plugin); a non-OK
   * status vetoes the node: the host unreserves and retries the pod later. */
  dynop_status (*reserve_node)(dynop_plugin* plugin, const dynop_cluster_view* cluster,
                               const dynop_pod_view* pod, uint32_t node);
  /* Undo reserve_node; idempotent. */
  dynop_status (*unreserve_node)(dynop_plugin* plugin, const dynop_cluster_view* cluster,
                                 const dynop_pod_view* pod, uint32_t node);

  /* Optional (NULL: no pod is in a group). Called once per pending pod,
   * when the host first sees it; the answer is kept until the pod changes. */
  dynop_status (*pod_group)(dynop_plugin* plugin, const dynop_pod_view* pod, dynop_pod_group* out);

  /* Optional. The inventory changed: node `node` was added, updated or
   * removed (kind: dynop_node_event_kind). Called before the next hook that
   * could see the change, in the order of the changes; after start, the
   * host first reports every node (ADDED) and every counted pod
   * (pod_event ASSIGNED). */
  dynop_status (*node_event)(dynop_plugin* plugin, const dynop_cluster_view* cluster, uint32_t node,
                             int32_t kind);
  /* Optional. `pod` started or stopped counting on node `node` (kind:
   * dynop_pod_event_kind), whichever scheduler placed it: the node's
   * requested amounts already include (or no longer include) it. Every
   * change of a node's requested amounts comes this way.
   *
   * since 1.3, kind DYNOP_POD_PENDING_GONE, node DYNOP_NO_NODE: a pending
   * pod this plugin was placing (its schedulerName was the plugin's; the
   * plugin may have seen it in pod_group, pre_filter and the rest) left the
   * host's queue without being bound: it was deleted or is being deleted
   * (deletionTimestamp), it became terminal (Succeeded/Failed), or its
   * schedulerName is no longer this plugin's. `pod` is its last state (the
   * uid names it: a pod deleted and created again under the same name is
   * a new pod). Sent once, only to the plugin that was placing it, after
   * the UNASSIGNED of any reservation the host held for it; a pod that gets
   * bound instead never gets it. Why: a plugin learns that a pod is pending
   * (pod_group, pre_filter) and that it was placed (ASSIGNED), but before
   * 1.3 nothing said that a pending pod was gone, so state kept per pending
   * pod (e.g. GPUs kept free for pods pinned to a GPU product) could only
   * be expired on a timer, steering placements for a pod that no longer
   * exists until then.
   * The host sends it only to plugins whose descriptor declares abi_minor
   * >= 3: a plugin of 1.2 may read every kind but ASSIGNED as UNASSIGNED
   * and look node up, so it must never see this one. Rebuilding a plugin
   * against this header opts it in (its descriptor then declares 1.3):
   * its pod_event must then test the kind before using node. A plugin
   * built for 1.3 loads only in hosts of 1.3 or later, which all send it,
   * so it may rely on it. */
  dynop_status (*pod_event)(dynop_plugin* plugin, const dynop_cluster_view* cluster,
                            const dynop_pod_view* pod, uint32_t node, int32_t kind);
} dynop_placement_hooks;

/* ------------------------------------------------------------------------ */
/* Capability: autoscaler.                                                  */
/* ------------------------------------------------------------------------ */

/* out: filled by autoscaler.describe. */
typedef struct dynop_autoscaler_spec {
  uint32_t interval_ms; /* how often evaluate runs; 0 means 15000 */
  size_t struct_size;   /* since 1.1; set by the host */
} dynop_autoscaler_spec;

/* One decision: set the `scale` subresource of `target` to
 * desired_replicas. reason [plugin-out] is logged and recorded as an Event. */
typedef struct dynop_scale_decision {
  dynop_object_ref target;
  int32_t desired_replicas;
  dynop_str reason;
  /* since 1.1: sizeof(dynop_scale_decision) as the plugin compiled it; the
   * same in every element of the array, and the array's stride. */
  size_t struct_size;
} dynop_scale_decision;

/* out: filled by evaluate. */
typedef struct dynop_scale_decision_list {
  const dynop_scale_decision* decisions; /* [plugin-out] */
  size_t count;
} dynop_scale_decision_list;

/* How the host runs an autoscaler plugin (since 1.2; 1.0 and 1.1 hosts only
 * loaded them): on the leader only, every interval_ms it calls evaluate and,
 * for each decision in the list's order, one at a time (so a plugin that
 * shares a budget between targets lists its scale-downs first), reads the
 * target's /scale and, when spec.replicas differs, writes it through the /scale subresource as the identity the host
 * configuration names for the plugin (Impersonate-User, so RBAC and audit
 * see that account; field manager "dynop-<plugin name>"). Each change is an
 * Event on the target (reason ScaledByPlugin, "<plugin>: <from> -> <to>:
 * <reason>"), an entry of the host's decision log (GET /autoscaling/decisions
 * on the ops port) and a dynop_autoscaler_* metric. A target that is missing,
 * or a write that fails, is logged and counted, and the next interval tries
 * again. */
typedef struct dynop_autoscaler_hooks {
  /* Required. Called once by the host's main thread after init. */
  dynop_status (*describe)(dynop_plugin* plugin, dynop_autoscaler_spec* out);

  /* Required. Called every interval_ms by one host timer thread per plugin
   * (never concurrently with itself), only on the leader, between start and
   * stop. Returns the desired replicas of the targets it wants changed;
   * targets absent from the list are left alone. The host writes each
   * target's /scale (only when the value differs). */
  dynop_status (*evaluate)(dynop_plugin* plugin, dynop_scale_decision_list* out);

  /* since 1.1: sizeof(dynop_autoscaler_hooks) as the plugin compiled it. */
  size_t struct_size;
} dynop_autoscaler_hooks;

/* ------------------------------------------------------------------------ */
/* Lifecycle and descriptor                                                 */
/* ------------------------------------------------------------------------ */

/*
 * Lifecycle hooks are called by the host's main thread, one plugin at a
 * time, in load order (stop and destroy in reverse order):
 *   init -> [describe of each capability] -> start -> ... -> stop -> destroy
 * The host calls every describe hook right after init and checks the
 * declarations; a failing describe or an invalid declaration (no primary
 * kind, no admission rule, no scheduler name, a DYNOP_MAP_FUNCTION watch
 * without map_to_primary, a cache spec that writes a kind it does not cache
 * whole or asks for no field) fails the plugin like a failing init does,
 * except that destroy is called.
 */
typedef struct dynop_lifecycle_hooks {
  /* Required. Creates the plugin instance. `host` [in, but the table itself
   * stays valid until destroy returns, so keep the pointer]. config_text
   * [in] is the plugin's section of the host configuration, as YAML text
   * (JSON is valid YAML); config_len 0 when there is none. On success
   * returns a non-NULL instance. On failure returns NULL and sets
   * *out_error to a non-OK code and a message [plugin-out] naming what to
   * fix; the host logs it, never calls this plugin again and unloads it. */
  dynop_plugin* (*init)(const dynop_host* host, const char* config_text, size_t config_len,
                        dynop_status* out_error);

  /* Optional (NULL: nothing to start). Begin work: plugin threads may start
   * calling host callbacks. A non-OK status keeps the plugin from running
   * its capabilities; destroy is still called. */
  dynop_status (*start)(dynop_plugin* plugin);

  /* Optional. Called only on started plugins. When it returns, the plugin
   * runs no more threads and the host calls no hook except destroy. */
  dynop_status (*stop)(dynop_plugin* plugin);

  /* Required. Frees the instance. The host unloads the library afterwards,
   * so nothing of the plugin may run after it returns. */
  void (*destroy)(dynop_plugin* plugin);
} dynop_lifecycle_hooks;

/*
 * What the entry function returns. Static storage in the plugin: the host
 * reads it until it unloads the library and never writes it.
 * A capability bit set in `capabilities` requires the matching hook table
 * to be non-NULL with its required hooks set; the host refuses the plugin
 * otherwise ("missing hook").
 */
typedef struct dynop_plugin_descriptor {
  uint32_t struct_size;    /* sizeof(dynop_plugin_descriptor) */
  uint16_t abi_major;      /* DYNOP_ABI_VERSION_MAJOR the plugin was built against */
  uint16_t abi_minor;      /* the minor it needs (usually DYNOP_ABI_VERSION_MINOR) */
  const char* name;        /* unique, [a-z0-9_-]{1,63}, NUL-terminated; the config key */
  const char* version;     /* plugin version, e.g. "1.2.0" */
  const char* description; /* one line; may be NULL */
  uint64_t capabilities;   /* DYNOP_CAP_* bits */
  dynop_lifecycle_hooks lifecycle;
  const dynop_reconciler_hooks* reconciler;
  const dynop_admission_hooks* admission;
  const dynop_placement_hooks* placement;
  const dynop_autoscaler_hooks* autoscaler;
  /* New fields are appended here (see "Adding to the ABI"). */
} dynop_plugin_descriptor;

/* The size of an ABI 1.0 descriptor: the smallest the host accepts. */
#define DYNOP_DESCRIPTOR_SIZE_V1_0 DYNOP_FIELD_END(dynop_plugin_descriptor, autoscaler)

/*
 * Entry function. A plugin exports one plain C function,
 *
 *   const dynop_plugin_descriptor* dynop_plugin_get_descriptor(void);
 *
 * which the host looks up by name (dlsym, or Boost.DLL's
 * shared_library::get) and calls once, right after loading the library, as
 * Envoy's dynamic modules and Falco's plugins export theirs. A plugin in C
 * defines it directly:
 *
 *   DYNOP_ABI_EXPORT const dynop_plugin_descriptor* dynop_plugin_get_descriptor(void) {
 *     return &my_descriptor;
 *   }
 *
 * or writes DYNOP_EXPORT_PLUGIN_ENTRY(my_function); at file scope, which
 * also defines the 1.0 symbol below. The C++ layer's DYNOP_PLUGIN() does
 * the same.
 *
 * ABI 1.0 exported "dynop_plugin_entry" instead: a DATA symbol holding a
 * pointer to that function (what Boost.DLL's BOOST_DLL_ALIAS produces). A
 * plain function is better: C, Rust or Go plugins and anyone with dlsym
 * export and call it without knowing Boost.DLL's alias layout, and the SDK
 * needs no Boost at all. The host still reads dynop_plugin_entry when a
 * plugin has no dynop_plugin_get_descriptor, so 1.0 plugins keep loading;
 * DYNOP_EXPORT_PLUGIN_ENTRY and DYNOP_PLUGIN() keep defining it, so that a
 * host of ABI 1.0, which knows only that symbol, refuses a newer plugin with
 * the version message rather than "not a dynop plugin".
 */
typedef const dynop_plugin_descriptor* (*dynop_plugin_entry_fn)(void);

#if defined(__GNUC__)
#define DYNOP_ABI_EXPORT __attribute__((visibility("default")))
#else
#define DYNOP_ABI_EXPORT
#endif

#ifdef __cplusplus
#define DYNOP_ABI_EXTERN_C extern "C"
#else
#define DYNOP_ABI_EXTERN_C
#endif

#define DYNOP_EXPORT_PLUGIN_ENTRY(fn)                                                             \
  DYNOP_ABI_EXTERN_C DYNOP_ABI_EXPORT const dynop_plugin_descriptor* dynop_plugin_get_descriptor( \
      void);                                                                                      \
  DYNOP_ABI_EXTERN_C DYNOP_ABI_EXPORT const dynop_plugin_descriptor* dynop_plugin_get_descriptor( \
      void) {                                                                                     \
    return (fn)();                                                                                \
  }                                                                                               \
  DYNOP_ABI_EXTERN_C DYNOP_ABI_EXPORT const dynop_plugin_entry_fn dynop_plugin_entry;             \
  DYNOP_ABI_EXTERN_C DYNOP_ABI_EXPORT const dynop_plugin_entry_fn dynop_plugin_entry = &(fn)

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DYNOP_ABI_H_ */
