// Package admin is sysconfig's admin page: an [http.Handler] that shows an
// app's configuration in a browser, edits it a section at a time, and shows and
// reverts its history. An app mounts it on its own mux, at any prefix:
//
//	h, err := admin.New(client, admin.Options{Authorize: authorize})
//	if err != nil { ... }
//	mux.Handle("/admin/config/", http.StripPrefix("/admin/config", h))
//
// Strip the prefix without its trailing slash, so that the handler sees
// "/", "/s/site" and so on. Every link the pages write is relative, so the
// same handler works under any prefix, and under several at once.
//
// # Who may do what
//
// Options.Authorize is required: there is no anonymous default. It is called
// once per request and returns a [Grant]: the actor's name, which every change
// records (runtime.ChangeInfo.Actor, with source runtime.FromAdmin), and a
// function that says, per field path, whether the actor may not see the field
// ([NoAccess]), may see it ([View]) or may change it ([Edit]). Fields the actor
// may not see are left out of every page, history included; a section with no
// field the actor may see is not found. An error from Authorize, or an empty
// actor, refuses the request (403) and is logged. Options.ReadOnly caps every
// grant at View.
//
// # Pages
//
//   - / lists the sections, with how many of their fields are changed from
//     their defaults; ?q= searches paths, labels and descriptions.
//   - /s/{section} is one form for the section: each field with its label,
//     description, default, a "changed" marker and the control that fits its
//     kind. A string list is edited in a text area, one item per line (blank
//     lines are ignored). A secret has a write-only control (leave, replace,
//     clear) that never shows or sends its value. A field pinned by the
//     environment in this process (runtime.SourceEnv) is shown locked, with
//     its variable.
//   - /history and /history/{path} list change sets, newest first (actor,
//     reason, source, old → new, time); /revert asks for confirmation before
//     it reverts a path to a version or undoes a change set.
//
// # Saving
//
// A save is one runtime.Client.SetMany: all or nothing. It writes only the
// fields the user changed (the form carries what it showed), each on condition
// that the field still has the version the form was rendered with
// (runtime.Update.IfVersion). Every field is parsed and validated first, and
// every problem of every field is shown beside it, with what the user typed
// (but never a secret) kept and nothing written. A field that someone else
// changed meanwhile writes nothing either: the page shows their value beside
// the user's, and saving again writes the user's over it.
//
// # Security
//
// State changes only on POST, and every unsafe method passes
// [http.CrossOriginProtection]. Every response carries a strict
// Content-Security-Policy (no scripts at all are needed), X-Frame-Options DENY,
// nosniff, no-referrer and no-store. Secrets never appear in pages, URLs, logs
// or error pages: the page reads them redacted and never asks to reveal them.
package admin
