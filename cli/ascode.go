package cli

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/go-sysconfig/sysconfig/internal/configfile"
	"github.com/go-sysconfig/sysconfig/internal/storecheck"
	"github.com/go-sysconfig/sysconfig/runtime"
	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// errFound is returned by plan when there are changes and by check when
// stored values fail: the output is the answer, and Main exits ExitFound.
var errFound = errors.New("found")

// runExport writes the overrides as a config file.
func runExport(ctx context.Context, inv *invocation) error {
	if inv.sealed && inv.reveal {
		return usagef("--sealed and --reveal exclude each other")
	}
	return inv.withSession(ctx, false, func(s *session) error {
		vals, err := s.client.All(ctx)
		if err != nil {
			return err
		}
		opts := configfile.WriteOptions{RevealSecrets: inv.reveal}
		if err := inv.recordReveal(ctx, s.client, storedSecrets(vals)); err != nil {
			return err
		}
		if inv.sealed {
			if opts.Sealed, err = sealedSecrets(ctx, s.store, vals); err != nil {
				return err
			}
		}
		return configfile.Write(inv.opts.Stdout, s.client.Schema(), vals, opts)
	})
}

// sealedSecrets returns the sealed text the store holds for each secret
// among vals that has an override.
func sealedSecrets(ctx context.Context, store runtime.Store, vals []runtime.Value) (map[string]string, error) {
	var paths []string
	for _, v := range vals {
		if v.Kind == value.KindSecret && v.Set {
			paths = append(paths, v.Path)
		}
	}
	recs, err := store.Load(ctx, paths)
	if err != nil {
		return nil, err
	}
	sealed := make(map[string]string, len(recs))
	for _, r := range recs {
		if r.Set {
			sealed[r.Path] = r.Value
		}
	}
	return sealed, nil
}

// runPlan prints what applying a config file would change, and saves the
// plan with --out.
func runPlan(ctx context.Context, inv *invocation) error {
	return inv.withSession(ctx, false, func(s *session) error {
		p, err := inv.plan(ctx, s, inv.args[0])
		if err != nil {
			return err
		}
		if err := inv.writePlan(p.changes); err != nil {
			return err
		}
		if inv.planOut != "" {
			if err := p.save(inv.planOut); err != nil {
				return err
			}
		}
		if len(p.changes) > 0 {
			return errFound
		}
		return nil
	})
}

// runApply applies a config file, or a plan saved by plan --out, as one
// change set: all or nothing, each field conditional on the version its
// plan saw.
func runApply(ctx context.Context, inv *invocation) error {
	return inv.withSession(ctx, true, func(s *session) error {
		p, err := inv.planOrSaved(ctx, s, inv.args[0])
		if err != nil {
			return err
		}
		if len(p.changes) == 0 {
			fmt.Fprintln(inv.opts.Stderr, "nothing to apply")
			return inv.writePlan(nil)
		}
		if err := inv.confirm(p.changes); err != nil {
			return err
		}
		updates := make([]runtime.Update, len(p.changes))
		for i, c := range p.changes {
			updates[i] = c.Update()
		}
		ctx := runtime.WithChangeInfo(ctx, runtime.ChangeInfo{Actor: inv.actor, Reason: inv.reason, Source: runtime.FromApply})
		if err := s.client.SetMany(ctx, updates...); err != nil {
			return err
		}
		fmt.Fprintf(inv.opts.Stderr, "applied %d change(s)\n", len(p.changes))
		return inv.writePlan(p.changes)
	})
}

// runCheck checks every stored override against the schema file.
func runCheck(ctx context.Context, inv *invocation) error {
	return inv.withSession(ctx, false, func(s *session) error {
		var secrets runtime.Sealer
		if s.keys != nil {
			secrets = s.keys
		}
		findings, err := storecheck.Check(ctx, s.store, s.client.Schema(), secrets)
		if err != nil {
			return err
		}
		if err := inv.writeFindings(findings); err != nil {
			return err
		}
		if len(findings) > 0 {
			return errFound
		}
		return nil
	})
}

// plan is a config file's changes against the store, and what pins them.
type plan struct {
	file    string // the config file
	digest  string // the SHA-256 of its content, hex
	prune   bool
	changes []configfile.Change
}

// plan reads and checks the config file name and plans it against the
// store's current values.
func (inv *invocation) plan(ctx context.Context, s *session, name string) (plan, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return plan{}, err
	}
	var opts configfile.ParseOptions
	if s.keys != nil {
		opts.Open = s.keys.Open
	}
	file, err := configfile.Parse(name, data, s.client.Schema(), opts)
	if err != nil {
		return plan{}, err
	}
	vals, err := s.client.All(ctx)
	if err != nil {
		return plan{}, err
	}
	sum := sha256.Sum256(data)
	return plan{file: name, digest: hex.EncodeToString(sum[:]), prune: inv.prune,
		changes: configfile.Plan(file, vals, inv.prune)}, nil
}

// savedPlan is the JSON of a plan file: no value, only what pins the plan
// (the config file's digest and every change's version), so that a saved
// plan holds no secret.
type savedPlan struct {
	Plan    int          `json:"sysconfig_plan"` // the format's version, 1
	File    string       `json:"file"`
	SHA256  string       `json:"sha256"`
	Prune   bool         `json:"prune"`
	Changes []savedWrite `json:"changes"`
}

// savedWrite is one change of a saved plan.
type savedWrite struct {
	Path    string `json:"path"`
	Action  string `json:"action"`
	Version int64  `json:"version"`
}

// save writes p as a plan file.
func (p plan) save(name string) error {
	sp := savedPlan{Plan: 1, File: p.file, SHA256: p.digest, Prune: p.prune, Changes: pinsOf(p.changes)}
	b, err := json.MarshalIndent(sp, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(name, append(b, '\n'), 0o600)
}

// pinsOf returns what pins each change.
func pinsOf(changes []configfile.Change) []savedWrite {
	out := make([]savedWrite, len(changes))
	for i, c := range changes {
		out[i] = savedWrite{Path: c.Path, Action: c.Action.String(), Version: c.Version}
	}
	return out
}

// planOrSaved plans the config file name or, when name is a plan file,
// plans its config file again and refuses unless the file and every
// change are still the ones the saved plan holds.
func (inv *invocation) planOrSaved(ctx context.Context, s *session, name string) (plan, error) {
	sp, ok := readSavedPlan(name)
	if !ok {
		return inv.plan(ctx, s, name)
	}
	inv.prune = sp.Prune
	p, err := inv.plan(ctx, s, sp.File)
	if err != nil {
		return plan{}, err
	}
	if p.digest != sp.SHA256 {
		return plan{}, fmt.Errorf("%s changed since the plan %s was made; nothing written: plan again", sp.File, name)
	}
	if !slices.Equal(pinsOf(p.changes), sp.Changes) {
		return plan{}, fmt.Errorf("the store changed since the plan %s was made; nothing written: plan again", name)
	}
	return p, nil
}

// readSavedPlan reads name as a plan file; false when it is not one.
func readSavedPlan(name string) (savedPlan, bool) {
	data, err := os.ReadFile(name)
	if err != nil {
		return savedPlan{}, false
	}
	var sp savedPlan
	if json.Unmarshal(data, &sp) != nil || sp.Plan != 1 {
		return savedPlan{}, false
	}
	return sp, true
}

// confirm asks stdin to confirm changes unless --yes was given.
func (inv *invocation) confirm(changes []configfile.Change) error {
	if inv.yes {
		return nil
	}
	fmt.Fprintf(inv.opts.Stderr, "apply %d change(s)? type yes to apply: ", len(changes))
	line, _ := bufio.NewReader(inv.opts.Stdin).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		return errors.New("not applied: the answer was not yes (pass --yes to apply without asking)")
	}
	return nil
}

// planJSON is the JSON shape of one planned change (plan, apply).
type planJSON struct {
	Action  string `json:"action"`
	Path    string `json:"path"`
	Old     string `json:"old"`
	New     string `json:"new"`
	Version int64  `json:"version"`
}

// writePlan prints planned changes.
func (inv *invocation) writePlan(changes []configfile.Change) error {
	if inv.output == "json" {
		out := make([]planJSON, len(changes))
		for i, c := range changes {
			out[i] = planJSON{Action: c.Action.String(), Path: c.Path, Old: c.Old, New: c.New, Version: c.Version}
		}
		return writeJSONTo(inv.opts.Stdout, out)
	}
	if len(changes) == 0 {
		fmt.Fprintln(inv.opts.Stdout, "no changes")
		return nil
	}
	t := newTable(inv.opts.Stdout, "ACTION", "PATH", "OLD", "NEW", "VERSION")
	for _, c := range changes {
		t.row(c.Action.String(), c.Path, cell(c.Old), cell(c.New), versionText(c.Version))
	}
	return t.flush()
}

// findingJSON is the JSON shape of one check finding.
type findingJSON struct {
	Path    string   `json:"path"`
	Problem string   `json:"problem"`
	Version int64    `json:"version"`
	Details []string `json:"details"`
}

// writeFindings prints what check found.
func (inv *invocation) writeFindings(fs []storecheck.Finding) error {
	if inv.output == "json" {
		out := make([]findingJSON, len(fs))
		for i, f := range fs {
			out[i] = findingJSON{Path: f.Path, Problem: f.Problem.String(), Version: f.Version, Details: f.Details}
		}
		return writeJSONTo(inv.opts.Stdout, out)
	}
	if len(fs) == 0 {
		fmt.Fprintln(inv.opts.Stdout, "every stored override passes the schema")
		return nil
	}
	t := newTable(inv.opts.Stdout, "PATH", "PROBLEM", "VERSION", "DETAILS")
	for _, f := range fs {
		t.row(f.Path, f.Problem.String(), versionText(f.Version), cell(strings.Join(f.Details, "; ")))
	}
	return t.flush()
}
