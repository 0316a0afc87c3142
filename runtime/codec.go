package runtime

import (
	"time"

	"github.com/go-sysconfig/sysconfig/runtime/value"
)

// codec converts between a field's stored form and its state: it decodes
// records (opening sealed secrets), seals values for storage, and builds
// cache entries. It holds no state but the sealer, which may be nil.
type codec struct {
	secrets Sealer
}

// decode turns a record into the field's state, decrypting secrets. A
// record without an override yields the default.
func (k codec) decode(f *fieldInfo, r Record, src Source) (state, error) {
	if !r.Set {
		return state{value: f.def, epoch: r.Epoch, version: r.Version, source: src}, nil
	}
	text, err := k.unseal(f, r.Value)
	if err != nil {
		return state{}, err
	}
	v, err := f.decodeText(text)
	if err != nil {
		return state{}, &DecodeError{Path: f.path, Kind: f.kind, Err: err}
	}
	return state{value: v, set: true, epoch: r.Epoch, version: r.Version, source: src}, nil
}

// effective returns the effective value of a record, for hooks; a record
// that no longer decodes (say, written for an older declaration) reads as
// the default.
func (k codec) effective(f *fieldInfo, r Record) any {
	st, err := k.decode(f, r, SourceStore)
	if err != nil {
		return f.def
	}
	return st.value
}

// seal encrypts the text of a secret field; other fields pass through.
func (k codec) seal(f *fieldInfo, text string) (string, error) {
	if f.kind != value.KindSecret {
		return text, nil
	}
	if k.secrets == nil {
		return "", wrap(ErrNoKeyring, "sysconfig: cannot store secret "+f.path)
	}
	sealed, err := k.secrets.Seal(f.path, text)
	if err != nil {
		return "", wrap(err, "sysconfig: cannot encrypt "+f.path)
	}
	return sealed, nil
}

// unseal decrypts the stored text of a secret field; other fields pass
// through. A failure is a *DecryptError, never an empty value.
func (k codec) unseal(f *fieldInfo, stored string) (string, error) {
	if f.kind != value.KindSecret {
		return stored, nil
	}
	if k.secrets == nil {
		return "", &DecryptError{Path: f.path, Reason: noSecretsProblem}
	}
	return k.secrets.Open(f.path, stored)
}

const noSecretsProblem = "secret fields need a keyring: set Options.Secrets (see package keyring)"

// recordOf is the record a cache entry of f holds.
func recordOf(f *fieldInfo, e Entry) Record {
	return Record{Path: f.path, Value: e.Value, Set: e.Set, Epoch: e.Epoch, Version: e.Version}
}

// entryOf is the cache entry of f's record r, read from the store at asOf.
func entryOf(f *fieldInfo, r Record, asOf time.Time) Entry {
	return Entry{Key: f.cacheKey, Epoch: r.Epoch, Version: r.Version, Set: r.Set, Value: r.Value, AsOf: asOf}
}

// entriesOf returns the cache entries of fields' records read at asOf.
func entriesOf(fields []*fieldInfo, recs []Record, asOf time.Time) []Entry {
	entries := make([]Entry, len(fields))
	for i, f := range fields {
		entries[i] = entryOf(f, recs[i], asOf)
	}
	return entries
}
