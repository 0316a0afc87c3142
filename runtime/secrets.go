package runtime

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// ErrNoKeyring is returned when a secret is written, or secrets rotated, by
// a client without Options.Secrets. (Reading a set secret without a keyring
// is a *DecryptError, which matches ErrSecret.)
var ErrNoKeyring = errors.New("sysconfig: secret fields need a keyring: set Options.Secrets (see package keyring)")

// warnIfNoSecrets says at construction, once, that secrets will not work.
func (c *Client) warnIfNoSecrets() {
	if c.opts.Secrets != nil {
		return
	}
	var secrets []string
	for _, d := range c.schema.fields {
		if d.Kind() == value.KindSecret {
			secrets = append(secrets, d.Path())
		}
	}
	if len(secrets) > 0 {
		c.log.Warn("sysconfig: the schema has secret fields but no keyring: writing them and reading set ones will fail",
			"fields", strings.Join(secrets, ","), "fix", "set runtime.Options.Secrets, e.g. keyring.FromEnv(keyring.DefaultEnv)")
	}
}

// RotationReport says what RotateSecrets did.
type RotationReport struct {
	Secrets   int // secret fields with a stored value
	Rotated   int // re-encrypted with the primary key
	Unchanged int // already encrypted with the primary key
}

// RotateSecrets re-encrypts every stored secret that is not sealed with the
// keyring's primary key, in one transaction, and reports the counts. It is
// safe to rerun: values already under the primary key are left alone. If a
// secret is changed concurrently the transaction fails with ErrConflict and
// nothing is written; run it again. Once it has run, keys other than the
// primary can be removed from the keyring. The change is recorded with
// source FromRotation, and the actor and reason of ctx (WithChangeInfo).
func (c *Client) RotateSecrets(ctx context.Context) (RotationReport, error) {
	if c.opts.Secrets == nil {
		return RotationReport{}, wrap(ErrNoKeyring, "sysconfig: cannot rotate secrets")
	}
	d, err := c.store.Since(ctx, c.schema.app, Position{})
	if err != nil {
		return RotationReport{}, storeError("load", err)
	}
	fields, writes, report, err := c.rotationWrites(d.Records)
	if err != nil || len(writes) == 0 {
		return report, err
	}
	info := ChangeInfoFrom(ctx)
	info.Source = FromRotation
	applied, asOf, err := c.commit(ctx, Change{Writes: writes, ChangeInfo: info})
	if err != nil {
		return RotationReport{Secrets: report.Secrets, Unchanged: report.Unchanged}, err
	}
	c.publishQuietly(ctx, fields, applied, asOf)
	return report, nil
}

// rotationWrites re-seals the stored secrets not under the primary key,
// each conditional on its version so a concurrent change wins.
func (c *Client) rotationWrites(recs []Record) ([]*fieldInfo, []Write, RotationReport, error) {
	var fields []*fieldInfo
	var writes []Write
	var report RotationReport
	for _, r := range recs {
		d, ok := c.schema.byPath[r.Path]
		if !ok || d.Kind() != value.KindSecret || !r.Set {
			continue
		}
		report.Secrets++
		if c.opts.Secrets.Current(r.Value) {
			report.Unchanged++
			continue
		}
		w, err := c.reseal(d.field(), r)
		if err != nil {
			return nil, nil, RotationReport{}, err
		}
		fields, writes = append(fields, d.field()), append(writes, w)
		report.Rotated++
	}
	return fields, writes, report, nil
}

func (c *Client) reseal(f *fieldInfo, r Record) (Write, error) {
	plain, err := c.codec.unseal(f, r.Value)
	if err != nil {
		return Write{}, err
	}
	sealed, err := c.codec.seal(f, plain)
	return Write{Path: r.Path, Value: sealed, CheckVersion: true, Version: r.Version}, err
}

// publishQuietly brings the snapshot and cache up to date with records whose
// values did not change (only their encryption did), without change events.
func (c *Client) publishQuietly(ctx context.Context, fields []*fieldInfo, applied []Applied, asOf time.Time) {
	recs := newRecords(applied)
	c.publisher.announce(ctx, applied, c.snaps.load() != nil)
	if c.snaps.load() != nil {
		c.snaps.merge(recs, SourceStore)
		c.syncer.advance(applied)
	}
	c.cache.fillLater(ctx, fields, recs, asOf)
}
