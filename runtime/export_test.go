package runtime

// The wide schemas of wide_test.go, for the external tests.
var (
	WideSchema = wideSchema
	WideSizes  = wideSizes
)

// GapGrace is how long a follower waits for a change named by a notice's
// Prev before it asks the store, for the external tests.
const GapGrace = gapGrace
