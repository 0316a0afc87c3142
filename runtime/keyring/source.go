package keyring

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// DefaultEnv is the environment variable that holds an app's keys by
// convention: keyring.FromEnv(keyring.DefaultEnv).
const DefaultEnv = "SYSCONFIG_KEYS"

// maxFileSize bounds what FromFile reads; a key file is a few lines.
const maxFileSize = 1 << 20

// entry is one parsed ID:BASE64KEY.
type entry struct {
	id  string
	key []byte
}

// Parse builds a keyring from text in the key format (see the package
// documentation): ID:BASE64KEY entries, one per line or comma-separated,
// the first one being the primary. Errors report every bad entry by line
// (and entry, on a line of several) and never contain key material.
func Parse(text string) (*Keyring, error) {
	return parse("", text)
}

// FromEnv parses the keys in the environment variable name (usually
// DefaultEnv). It is an error for the variable to be unset or empty.
func FromEnv(name string) (*Keyring, error) {
	text := os.Getenv(name)
	if strings.TrimSpace(text) == "" {
		return nil, fmt.Errorf("keyring: environment variable %s is not set or is empty; "+
			"set it to ID:BASE64KEY entries (make one with keyring.Generate)", name)
	}
	return parse("$"+name+": ", text)
}

// FromFile parses the keys in the file at path. On unix it refuses a file
// that group or others may access (mode&0o077 != 0): chmod 600 it, or for a
// mounted Kubernetes secret set defaultMode to 0400 or 0600.
func FromFile(path string) (*Keyring, error) {
	text, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	return parse(path+": ", text)
}

// readKeyFile reads a key file after checking its permissions on the open
// file, so the file checked is the file read.
func readKeyFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("keyring: cannot read key file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("keyring: cannot read key file: %w", err)
	}
	if err := checkPerm(path, info.Mode()); err != nil {
		return "", err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return "", fmt.Errorf("keyring: cannot read key file %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return "", fmt.Errorf("keyring: key file %s is larger than %d bytes; is it the right file?", path, maxFileSize)
	}
	return string(data), nil
}

// parse builds a keyring from text; origin ("" or "name: ") prefixes errors.
func parse(origin, text string) (*Keyring, error) {
	entries, err := parseEntries(origin, text)
	if err != nil {
		return nil, err
	}
	keys := make(map[string][]byte, len(entries))
	for _, e := range entries {
		keys[e.id] = e.key
		defer clear(e.key) // New keeps ciphers, not key bytes
	}
	return New(entries[0].id, keys)
}

// parseEntries returns the entries of text in order, or every problem.
func parseEntries(origin, text string) ([]entry, error) {
	var entries []entry
	var errs []error
	first := map[string]string{} // key ID -> position of its first entry
	for n, line := range strings.Split(text, "\n") {
		for _, e := range lineEntries(n+1, line) {
			if err := e.check(origin, first); err != nil {
				errs = append(errs, err)
				continue
			}
			first[e.id] = e.pos
			key, err := e.decode(origin)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			entries = append(entries, entry{id: e.id, key: key})
		}
	}
	if len(errs) == 0 && len(entries) == 0 {
		errs = append(errs, fmt.Errorf("keyring: %sno keys; expected ID:BASE64KEY entries, "+
			"one per line or comma-separated (make one with keyring.Generate)", origin))
	}
	return entries, errors.Join(errs...)
}

// rawEntry is an entry before its key is decoded.
type rawEntry struct {
	id, key string
	pos     string // "line 3", or "line 1, entry 2" on a line of several
	ok      bool   // the entry has the ID:KEY shape
}

// lineEntries splits one line into its entries; comments and blank lines
// have none, and so do empty entries between commas.
func lineEntries(lineNo int, line string) []rawEntry {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	fields := strings.Split(line, ",")
	var out []rawEntry
	for i, f := range fields {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		pos := fmt.Sprintf("line %d", lineNo)
		if len(fields) > 1 {
			pos += fmt.Sprintf(", entry %d", i+1)
		}
		id, key, ok := strings.Cut(f, ":")
		out = append(out, rawEntry{id: strings.TrimSpace(id), key: strings.TrimSpace(key), pos: pos, ok: ok})
	}
	return out
}

// check checks the entry's shape and ID. Errors quote a valid ID but never
// an invalid one, which may be a key pasted in the wrong place.
func (e rawEntry) check(origin string, first map[string]string) error {
	switch {
	case !e.ok:
		return e.errorf(origin, "expected ID:BASE64KEY")
	case !validID(e.id):
		return e.errorf(origin, "the key ID is not valid; %s", idRule)
	case first[e.id] != "":
		return e.errorf(origin, "key ID %q is listed twice (first on %s); IDs must be unique", e.id, first[e.id])
	}
	return nil
}

// decode decodes the entry's key and checks its length.
func (e rawEntry) decode(origin string) ([]byte, error) {
	key, err := decodeKey(e.key)
	if err != nil {
		return nil, e.errorf(origin, "key %q is not valid standard base64%s", e.id, urlSafeHint(e.key))
	}
	if len(key) != KeySize {
		return nil, e.errorf(origin, "key %q is %d bytes; AES-256 needs exactly %d (make one with keyring.Generate)",
			e.id, len(key), KeySize)
	}
	return key, nil
}

func (e rawEntry) errorf(origin, format string, args ...any) error {
	return fmt.Errorf("keyring: "+origin+e.pos+": "+format, args...)
}

// decodeKey decodes standard base64 with or without padding.
func decodeKey(s string) ([]byte, error) {
	if strings.HasSuffix(s, "=") {
		return base64.StdEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// urlSafeHint explains a likely mix-up of base64 alphabets.
func urlSafeHint(s string) string {
	if strings.ContainsAny(s, "-_") {
		return " (it looks URL-safe; use the standard alphabet, with + and /)"
	}
	return ""
}

// Generate returns a new key line "ID:BASE64KEY" with KeySize random bytes
// from crypto/rand, ready for Parse, FromEnv or FromFile. To rotate, put the
// line first.
func Generate(id string) (line string, err error) {
	if !validID(id) {
		return "", fmt.Errorf("keyring: cannot generate a key: the ID is not valid (%d bytes); %s", len(id), idRule)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("keyring: cannot generate a key: %w", err)
	}
	return id + ":" + base64.StdEncoding.EncodeToString(key), nil
}
