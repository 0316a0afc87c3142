package runtime

import "time"

// Metric is one figure of Stats as a metrics system takes it: a name, a
// kind, a line of help and a value. Names follow Prometheus' conventions,
// which other systems accept or map: snake case, prefixed sysconfig_, base
// units (seconds), counters ending in _total, booleans as 0 or 1 gauges.
type Metric struct {
	Name  string
	Kind  MetricKind
	Help  string
	Value float64
}

// MetricKind says how a metric's value moves.
type MetricKind uint8

// The kinds of metric.
const (
	MetricCounter MetricKind = iota + 1 // only grows, from 0 when the client is made
	MetricGauge                         // goes up and down
)

// String returns "counter" or "gauge".
func (k MetricKind) String() string {
	switch k {
	case MetricCounter:
		return "counter"
	case MetricGauge:
		return "gauge"
	}
	return "unknown"
}

// Metrics returns the figures of s as metrics. Every Stats value yields the
// same metrics in the same order, so Stats{}.Metrics() lists their names,
// kinds and help for systems that declare instruments before reading them.
// The app is not part of the names: add it as a label (Stats.App).
func (s Stats) Metrics() []Metric {
	ms := make([]Metric, len(metricTable))
	for i, d := range metricTable {
		ms[i] = Metric{Name: d.name, Kind: d.kind, Help: d.help, Value: d.value(&s)}
	}
	return ms
}

// metricTable describes every metric: Stats and its doc comments are the
// model, this is their one mapping to names.
var metricTable = [...]struct {
	name  string
	kind  MetricKind
	help  string
	value func(*Stats) float64
}{
	{"sysconfig_started", MetricGauge, "1 if the client was started.", func(s *Stats) float64 { return boolGauge(s.Started) }},
	{"sysconfig_ready", MetricGauge, "1 once every field was loaded from the store.", func(s *Stats) float64 { return boolGauge(s.Ready) }},

	{"sysconfig_snapshot_enabled", MetricGauge, "1 if reads are served from the in-process snapshot.",
		func(s *Stats) float64 { return boolGauge(s.Snapshot.Enabled) }},
	{"sysconfig_snapshot_age_seconds", MetricGauge, "Time since the snapshot's last successful sync with the store (or since Start, before the first).",
		func(s *Stats) float64 { return s.Snapshot.Age.Seconds() }},
	{"sysconfig_snapshot_stale", MetricGauge, "1 if no sync succeeded within the staleness bound: reads report stale.",
		func(s *Stats) float64 { return boolGauge(s.Snapshot.Stale) }},
	{"sysconfig_snapshot_epoch", MetricGauge, "The store epoch of the snapshot's position.",
		func(s *Stats) float64 { return float64(s.Snapshot.Epoch) }},
	{"sysconfig_snapshot_version", MetricGauge, "The version up to which the snapshot holds every change.",
		func(s *Stats) float64 { return float64(s.Snapshot.Version) }},
	{"sysconfig_snapshot_announced_version", MetricGauge, "The newest version the store's notifications announced.",
		func(s *Stats) float64 { return float64(s.Snapshot.Announced) }},
	{"sysconfig_snapshot_lag_versions", MetricGauge, "Versions announced that the snapshot does not hold yet.",
		func(s *Stats) float64 { return float64(s.Snapshot.Lag) }},
	{"sysconfig_snapshot_behind_seconds", MetricGauge, "Time since the oldest announced change the snapshot lacks was heard.",
		func(s *Stats) float64 { return s.Snapshot.Behind.Seconds() }},
	{"sysconfig_notifications_total", MetricCounter, "Change notifications heard from the store.",
		func(s *Stats) float64 { return float64(s.Snapshot.Notifications) }},
	{"sysconfig_syncs_total", MetricCounter, "Successful syncs of the snapshot with the store.",
		func(s *Stats) float64 { return float64(s.Snapshot.Syncs) }},
	{"sysconfig_sync_errors_total", MetricCounter, "Failed syncs of the snapshot with the store.",
		func(s *Stats) float64 { return float64(s.Snapshot.SyncErrors) }},

	{"sysconfig_cache_enabled", MetricGauge, "1 if the client has a shared cache.",
		func(s *Stats) float64 { return boolGauge(s.Cache.Enabled) }},
	{"sysconfig_cache_hits_total", MetricCounter, "Cache entries served as current by reads without a snapshot.",
		func(s *Stats) float64 { return float64(s.Cache.Hits) }},
	{"sysconfig_cache_misses_total", MetricCounter, "Cache lookups that found no entry (or a corrupt one).",
		func(s *Stats) float64 { return float64(s.Cache.Misses) }},
	{"sysconfig_cache_stale_total", MetricCounter, "Cache entries found too old to serve as current.",
		func(s *Stats) float64 { return float64(s.Cache.Stale) }},
	{"sysconfig_cache_errors_total", MetricCounter, "Cache calls that failed or timed out.",
		func(s *Stats) float64 { return float64(s.Cache.Errors) }},
	{"sysconfig_cache_corrupt_entries_total", MetricCounter, "Cache entries dropped as malformed, undecodable or contradicted by the store.",
		func(s *Stats) float64 { return float64(s.Cache.Corrupt) }},
	{"sysconfig_cache_fills_total", MetricCounter, "Version-gated fill calls sent to the cache.",
		func(s *Stats) float64 { return float64(s.Cache.Fills) }},
	{"sysconfig_cache_fill_errors_total", MetricCounter, "Fill calls that failed.",
		func(s *Stats) float64 { return float64(s.Cache.FillErrors) }},
	{"sysconfig_cache_refills_total", MetricCounter, "Whole-app refills of the cache this client was elected to do.",
		func(s *Stats) float64 { return float64(s.Cache.Refills) }},
	{"sysconfig_cache_down", MetricGauge, "1 while the client does not use the cache after a failure.",
		func(s *Stats) float64 { return boolGauge(s.Cache.Down) }},
	{"sysconfig_cache_down_seconds", MetricGauge, "Time since the current cache outage was noticed; 0 when none.",
		func(s *Stats) float64 { return secondsSince(s.Cache.Down, s.Cache.DownSince, s) }},

	{"sysconfig_store_loads_total", MetricCounter, "Store loads by reads without a snapshot.",
		func(s *Stats) float64 { return float64(s.Store.Loads) }},
	{"sysconfig_store_load_errors_total", MetricCounter, "Store loads that failed.",
		func(s *Stats) float64 { return float64(s.Store.LoadErrors) }},
	{"sysconfig_store_failing", MetricGauge, "1 if the store's latest answer to a read (sync or load) was an error.",
		func(s *Stats) float64 { return boolGauge(s.Store.Failing) }},
	{"sysconfig_store_failing_seconds", MetricGauge, "Time since the store began failing; 0 when it answers.",
		func(s *Stats) float64 { return secondsSince(s.Store.Failing, s.Store.FailingSince, s) }},

	{"sysconfig_writes_committed_total", MetricCounter, "Writes committed and acknowledged.",
		func(s *Stats) float64 { return float64(s.Writes.Committed) }},
	{"sysconfig_writes_failed_total", MetricCounter, "Writes that did not commit.",
		func(s *Stats) float64 { return float64(s.Writes.Failed) }},
	{"sysconfig_writes_outcome_unknown_total", MetricCounter, "Writes returned with their outcome unknown.",
		func(s *Stats) float64 { return float64(s.Writes.OutcomeUnknown) }},
	{"sysconfig_resolved_committed_total", MetricCounter, "Resolve calls that found the change committed.",
		func(s *Stats) float64 { return float64(s.Writes.ResolvedCommitted) }},
	{"sysconfig_resolved_not_committed_total", MetricCounter, "Resolve calls that found the change not committed (now never will).",
		func(s *Stats) float64 { return float64(s.Writes.ResolvedNotCommitted) }},

	{"sysconfig_hook_events_queued", MetricGauge, "Change events waiting for the hooks.",
		func(s *Stats) float64 { return float64(s.Hooks.Queued) }},
	{"sysconfig_hook_events_total", MetricCounter, "Change events delivered to the hooks.",
		func(s *Stats) float64 { return float64(s.Hooks.Delivered) }},
	{"sysconfig_hook_errors_total", MetricCounter, "Hook calls that returned an error or panicked.",
		func(s *Stats) float64 { return float64(s.Hooks.Errors) }},
}

// boolGauge is a boolean as a gauge.
func boolGauge(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// secondsSince is the seconds from t to when s was taken, while on holds; else 0.
func secondsSince(on bool, t time.Time, s *Stats) float64 {
	if !on || t.IsZero() {
		return 0
	}
	return s.Taken.Sub(t).Seconds()
}
