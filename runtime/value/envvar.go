package value

import (
	"regexp"
	"strings"
)

// EnvVar returns the environment variable that pins the field at path
// when a client reads pins from its environment (runtime's Options.Env)
// and the schema names no variable of its own for the field: the path in
// upper case with each dot written as two underscores, so that
// "shop.site.title" is SHOP__SITE__TITLE.
//
// Two paths never share a variable: app, section and field names are
// snake_case, which never has two underscores in a row, so the double
// underscores mark exactly the dots ("shop.site_x.y" is SHOP__SITE_X__Y,
// "shop.site.x_y" is SHOP__SITE__X_Y).
func EnvVar(path string) string {
	return strings.ToUpper(strings.ReplaceAll(path, ".", "__"))
}

// envVarRE matches the environment variable names a schema may give a
// field: POSIX's portable names, upper case.
var envVarRE = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// ValidEnvVar reports whether name may name a field's environment
// variable in a schema: upper-case ASCII letters, digits and underscores,
// not starting with a digit.
func ValidEnvVar(name string) bool { return envVarRE.MatchString(name) }
