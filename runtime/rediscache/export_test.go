package rediscache

// Parse and Encode expose the entry format to the external tests.
var (
	Parse  = parse
	Encode = encode
)
