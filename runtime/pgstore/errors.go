package pgstore

import (
	"errors"
	"fmt"
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

// poolerHint follows the errors of pgx's statement cache (SQLSTATE 42P05
// and 26000) behind a pooler that hands each transaction to any of its
// server connections: the next one finds the statement already there, or
// missing.
const poolerHint = "pgx's statement cache through a connection pooler in transaction mode? " +
	`see "Behind a connection pooler" in the documentation of package pgstore`

// classify marks err for the runtime: a misconfiguration (see
// misconfigured, and poolerHint) matches runtime.ErrMisconfigured, data
// the server refused (SQLSTATE class 22: a NUL byte, invalid UTF-8, a
// value out of range) runtime.ErrInvalid. Anything else — a refused connection, a timeout, a
// server shutting down — is left as it is: unavailable.
func classify(err error) error {
	var pgErr *pgconn.PgError
	switch {
	case !errors.As(err, &pgErr):
		return err
	case pgErr.Code == "42P05" || pgErr.Code == "26000":
		return runtime.Misconfigured(fmt.Errorf("%w (%s)", err, poolerHint))
	case misconfigured[pgErr.Code] != "":
		return runtime.Misconfigured(err)
	case strings.HasPrefix(pgErr.Code, "22"):
		return runtime.InvalidInput(err)
	}
	return err
}
