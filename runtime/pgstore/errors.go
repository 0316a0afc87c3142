package pgstore

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/go-sysconfig/sysconfig/runtime"
)

// misconfigured lists the SQLSTATEs that say the store cannot serve this
// program as it is set up, rather than that it is unavailable: retrying
// does not help until an operator acts.
var misconfigured = map[string]string{
	"28000": "invalid_authorization_specification",
	"28P01": "invalid_password",
	"3D000": "invalid_catalog_name (the database does not exist)",
	"3F000": "invalid_schema_name",
	"42P01": "undefined_table (has EnsureSchema run?)",
	"42703": "undefined_column (has EnsureSchema run since the last upgrade?)",
	"42883": "undefined_function (has EnsureSchema run since the last upgrade?)",
	"42501": "insufficient_privilege (see the grants in the package documentation)",
}

// classify marks err for the runtime: a misconfiguration (see
// misconfigured) matches runtime.ErrMisconfigured, data the server refused
// (SQLSTATE class 22: a NUL byte, invalid UTF-8, a value out of range)
// runtime.ErrInvalid. Anything else — a refused connection, a timeout, a
// server shutting down — is left as it is: unavailable.
func classify(err error) error {
	var pgErr *pgconn.PgError
	switch {
	case !errors.As(err, &pgErr):
		return err
	case misconfigured[pgErr.Code] != "":
		return runtime.Misconfigured(err)
	case strings.HasPrefix(pgErr.Code, "22"):
		return runtime.InvalidInput(err)
	}
	return err
}
