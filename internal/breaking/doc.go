// Package breaking compares two versions of a sysconfig schema and reports
// the changes that break code written against the generated package, those
// that break values already stored, and those worth a warning. It is the
// engine of "sysconfig-gen breaking".
//
// # Categories
//
// Every Change has one Category. A schema edit that breaks both code and
// data is reported twice, once per category, under different rules.
//
//   - Accessor: code using the generated package no longer compiles, because
//     a section type, accessor, setter, resetter, descriptor or enum constant
//     is gone or returns another Go type.
//   - Data: an override stored by the old code fails to read, reads as a
//     different value, or no longer passes the field's validators. A field
//     that exists in both schemas is needed for this: removing a field is
//     not a Data change, since nothing reads its stored override any more.
//   - Warning: nothing breaks, but running code sees different values as
//     soon as the new schema is deployed.
//
// Labels, descriptions, comments, the order of sections and fields and the
// labels of choices change nothing that code or the store depends on, and
// are never reported. Neither is anything added, nor any validator removed
// or loosened.
//
// # Rules
//
// Each Change names the rule that found it:
//
//	ACCESSOR SECTION_REMOVED                      a section whose fields were all deprecated was removed
//	ACCESSOR SECTION_REMOVED_WITHOUT_DEPRECATION  a section with fields not deprecated was removed
//	ACCESSOR FIELD_REMOVED                        a deprecated field was removed
//	ACCESSOR FIELD_REMOVED_WITHOUT_DEPRECATION    a field that was not deprecated was removed
//	ACCESSOR FIELD_TYPE_CHANGED                   the accessor's Go type changed (string ↔ text keeps it)
//	ACCESSOR FIELD_GO_NAME_CHANGED                a go_name was added, changed or removed, renaming the accessors
//	ACCESSOR CHOICE_REMOVED                       a select choice, and so its enum constant, was removed
//	DATA     APP_RENAMED                          every path moved: no stored override is found any more
//	DATA     FIELD_TYPE_INCOMPATIBLE              stored values may not parse as the new type
//	DATA     SECRET_TO_PLAIN                      stored ciphertexts would be read as plain values
//	DATA     PLAIN_TO_SECRET                      stored plaintexts cannot be decrypted
//	DATA     CHOICES_NARROWED                     a stored override holding a removed choice fails to read
//	DATA     REQUIRED_ADDED                       required or not_empty was added
//	DATA     VALIDATOR_ADDED                      any other validator was added
//	DATA     MIN_LENGTH_RAISED                    min_length rose
//	DATA     MAX_LENGTH_LOWERED                   max_length fell
//	DATA     RANGE_NARROWED                       range gained a bound, its min rose or its max fell
//	DATA     REGEX_CHANGED                        a regex's pattern changed
//	DATA     ONE_OF_NARROWED                      one_of lost values
//	DATA     URL_SCHEMES_NARROWED                 url lost schemes (no schemes means http and https)
//	WARNING  DEFAULT_CHANGED                      the default changed; it applies wherever there is no override
//
// Removal is meant to happen in two phases: mark a field "deprecated" in
// one release, so that code using its accessor gets a Deprecated: notice
// from its tools, and remove it in a later one. A removed field or section
// is an Accessor change either way; the rule says whether it was deprecated
// first. A section counts as deprecated when all its fields are. A rename
// cannot be told from a removal and an addition, so it is reported as a
// removal, with a hint naming the likely new name when one added field (of
// the same type, and with the same name in another section, label or
// description) or one added section (with the same field names) fits.
//
// # Type changes
//
// A type change whose stored texts all parse as the new type, meaning the
// same, is not a Data change:
//
//	any type but secret → string or text   the text is kept as it is (a string_list reads as its JSON array)
//	int → float, int → decimal            whole numbers above 2^53 lose precision as floats
//	float → decimal                       every float text is an exact decimal
//
// Every other change is FIELD_TYPE_INCOMPATIBLE (decimal → float reads, but
// rounds), except changes to or from secret, which have rules of their own:
// secrets are stored encrypted. The Go type decides the Accessor side: a
// change between string and text is invisible to code, every other one is
// FIELD_TYPE_CHANGED.
//
// # Validators
//
// The runtime validates a value when it is written, not when it is read, so
// a tightened validator does not stop a stored override from being served:
// it makes the override fail the next time anyone saves it. That is still a
// Data change, to be checked against the stored overrides before deploying.
// Some validators imply others and adding the weaker one is not reported:
// required and not_empty are the same check, ipv4 and ipv6 imply ip, domain
// implies hostname, port implies positive, and positive implies
// non_negative. regex and custom validators are matched by pattern and
// sense, or by function name; a custom validator's Go function is unknown
// here, so changing it is never reported.
//
// All of this comes from the validator table of package value
// (value.Builtins): what implies a validator (ImpliedBy), whether it may
// repeat, and how a changed argument narrows it, by the argument's shape —
// a count raised or lowered as its Narrows says, a range bound moving in,
// a scheme or value removed, a pattern changed. The rules for a validator
// are named after it: MIN_LENGTH_RAISED, RANGE_NARROWED and so on.
//
// # Exit status of sysconfig-gen breaking
//
// The command prints one line per change, as "file:line:col: CATEGORY RULE:
// message", then a summary line (see Counts). Its exit status is a bit set,
// so that CI can gate on either kind of break:
//
//	0   nothing breaks (warnings alone never fail)
//	1   a schema could not be read, or has errors; git failed
//	2   usage error
//	4   accessor-breaking changes
//	8   data-breaking changes
//	12  both (4 | 8)
//
// Its -fail-on flag (accessor, data, any or none; default any) chooses the
// categories that set their bit; the report is the same.
package breaking
