package runtime

// The wide schemas of wide_test.go, for the external tests.
var (
	WideSchema = wideSchema
	WideSizes  = wideSizes
)
