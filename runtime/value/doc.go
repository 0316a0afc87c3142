// Package value is sysconfig's vocabulary of values: what the generator
// side (the schema loader, the emitter, docs, lint, the breaking-change
// report) and the runtime side (the Client, the stores, the operator tools)
// must agree on, so that both import it and neither imports the other.
//
// A field holds values of one [Kind]. Each kind has one Go form, the one
// [Parse] returns (string, int64, float64, decimal.Decimal, bool,
// time.Duration, []string or [Secret]), and one canonical text, the one
// [Format] writes and the store keeps. [Check] is the check every door
// applies to every value; [ParseStored] skips it for values already stored.
//
// A [Validator] checks one value further. The built-in ones are made by
// the constructors of this package ([Required], [MinLength], [Range], …);
// a custom one runs a function registered with [RegisterValidator].
package value
