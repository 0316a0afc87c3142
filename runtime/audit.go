package runtime

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// ChangeSource says what a change came through: the program's own code,
// the operator CLI, the admin page, an import, a revert or a key rotation.
type ChangeSource string

// The sources of a change. A write whose context carries no source is
// recorded as FromAPI.
const (
	FromAPI      ChangeSource = "api"      // the program's own code (the default)
	FromCLI      ChangeSource = "cli"      // the operator CLI
	FromAdmin    ChangeSource = "admin"    // the admin web page
	FromApply    ChangeSource = "apply"    // an import of a file of values
	FromRevert   ChangeSource = "revert"   // Client.RevertPath or Client.RevertChange
	FromRotation ChangeSource = "rotation" // Client.RotateSecrets
)

// changeSources are the sources a write may carry.
var changeSources = []ChangeSource{FromAPI, FromCLI, FromAdmin, FromApply, FromRevert, FromRotation}

// ChangeInfo is who made a change, why, and through what: the attribution
// that every change records (see Change and ChangeSet). Writes carry it in
// their context (WithChangeInfo), so that it reaches generated setters,
// hooks' writes and helpers without new parameters, and a middleware can
// set the actor once per request. A write without one is recorded with no
// actor, no reason and source FromAPI: it is never refused for that.
type ChangeInfo struct {
	Actor  string       // who: a user, a service account; empty when unknown
	Reason string       // why, in the actor's words; may be empty
	Source ChangeSource // through what; empty means FromAPI
}

// Limits of a ChangeInfo, in bytes.
const (
	MaxActorSize  = 256
	MaxReasonSize = 4096
)

// changeInfoKey is the context key of a ChangeInfo.
type changeInfoKey struct{}

// WithChangeInfo returns a copy of ctx whose writes (Set, Reset, SetMany,
// the generated setters, RotateSecrets, RevertPath, RevertChange) record
// info as their attribution. RotateSecrets and the reverts record their
// own source, keeping info's actor and reason.
func WithChangeInfo(ctx context.Context, info ChangeInfo) context.Context {
	return context.WithValue(ctx, changeInfoKey{}, info)
}

// ChangeInfoFrom returns the attribution ctx carries (see WithChangeInfo),
// with the source FromAPI when it names none.
func ChangeInfoFrom(ctx context.Context) ChangeInfo {
	info, _ := ctx.Value(changeInfoKey{}).(ChangeInfo)
	if info.Source == "" {
		info.Source = FromAPI
	}
	return info
}

// check reports what makes info unfit to be recorded, as a
// *ValidationError (ErrInvalid): an unknown source, or an actor or reason
// that is too long, not UTF-8, or holds a NUL byte.
func (info ChangeInfo) check() error {
	var problems []string
	if !slices.Contains(changeSources, info.Source) {
		problems = append(problems, fmt.Sprintf("unknown change source %q", info.Source))
	}
	problems = append(problems, textProblems("actor", info.Actor, MaxActorSize)...)
	problems = append(problems, textProblems("reason", info.Reason, MaxReasonSize)...)
	if len(problems) > 0 {
		return &ValidationError{Path: "change info", Problems: problems}
	}
	return nil
}

// textProblems describes what is wrong with the text of an attribution.
func textProblems(name, text string, limit int) []string {
	var problems []string
	if len(text) > limit {
		problems = append(problems, fmt.Sprintf("%s is longer than %d bytes", name, limit))
	}
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		problems = append(problems, name+" is not UTF-8 text without NUL bytes")
	}
	return problems
}
