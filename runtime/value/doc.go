// Package value is sysconfig's vocabulary of values: what the generator
// side (the schema loader, the emitter, docs, lint, the breaking-change
// report, the JSON Schema) and the runtime side (the Client, the stores,
// the operator tools) must agree on, so that both import it and neither
// imports the other.
//
// A field holds values of one [Kind]. Each kind has one Go form, the one
// [Parse] returns (string, int64, float64, decimal.Decimal, bool,
// time.Duration, []string or [Secret]), and one canonical text, the one
// [Format] writes and the store keeps. [Check] is the check every door
// applies to every value; [ParseStored] skips it for values already stored.
//
// A [Validator] checks one value further. The built-in ones are made by
// the constructors of this package ([Required], [MinLength], [Range], …);
// [Custom] runs a function registered with [RegisterValidator]. The table
// [Builtins] describes each built-in validator once, for every tool: its
// schema name, constructor, kinds, argument shape ([ArgShape], with the
// arguments in [Args]), whether it may repeat, what implies it, how a
// changed argument narrows it, and the [Hints] it gives a form.
// [HintsOf] returns the hints of the validators a runtime field holds.
//
// # Adding a validator
//
//  1. Write its constructor here, returning a [Validator] whose type
//     remembers its arguments (an arguments method), with its doc comment
//     and tests beside the others.
//  2. Add its entry to the table in table.go: name, constructor, kinds,
//     argument shape (a new shape also needs its case in the schema
//     loader's argParsers, the emitter's args, the breaking report's
//     narrowed and describe, and internal/jsonschema's argument), an
//     example if it takes an argument, Doc, and Repeats, ImpliedBy,
//     Narrows, Bounds and Hint where they apply.
//  3. Run "go generate ./schema" to update schema/sysconfig.schema.json,
//     and "make generate" if schema.example.yaml should show it (a test
//     asks the example to use every validator).
//
// The loader, the emitter, docs, lint, the breaking-change report and the
// JSON Schema read the table; no other code names validators. The tests of
// internal/vocabcheck prove it with a fake validator (fake_validator.go,
// built with -tags sysconfig_fakevalidator). The prose references (the
// README's table, package schema's doc) are checked to name every entry.
package value
