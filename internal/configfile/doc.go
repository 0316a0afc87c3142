// Package configfile reads and writes config as code: files that hold an
// app's overrides, which the operator CLI exports, plans and applies.
//
// # Format
//
// A file is YAML (JSON is YAML too): the app, then its sections, then their
// fields, each with its value, in the order of the schema when this
// package writes it, so that two exports diff line by line:
//
//	shop:
//	  site:
//	    title: My Shop
//	    languages: [en, fr]
//	  limits:
//	    request_timeout: 1.5s
//
// A field holds a YAML scalar written as its kind's text form ("1.5s",
// "24.99", "true"), or, for a string_list, a sequence of strings. Only
// overrides appear: a field left out is not changed by an apply, or is
// reset by one with pruning. null is not a value. Secret fields are left
// out of an export unless their plaintext is asked for; a comment names
// the ones that are set.
//
// django-sysconfig's JSON export, {"version": 1, "config": {app: {section:
// {field: value}}}}, is read as well, so a service moving from Django
// carries its values over.
//
// # Checks
//
// Parse checks a file against a runtime schema as a write would: the app,
// every section and field must exist, and every value must parse and pass
// the field's validators. Every problem is reported at once, each at its
// line and column, without quoting a value.
//
// # Plans
//
// Plan compares a file with the values a store holds and returns one
// Change per field to set, change or (with pruning) reset, each pinned to
// the version it was computed against, so that an apply can refuse, with
// nothing written, when a field changed after its plan.
package configfile
