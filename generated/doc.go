package generated

// The files of this package are generated from the example schema; edit
// ../schema.example.yaml and run "go generate" here (or "make generate" at the
// repository root), never the generated files themselves. This file is not
// generated, so sysconfig-gen leaves it alone.

//go:generate go run ../cmd/sysconfig-gen -schema ../schema.example.yaml -out . -package generated
