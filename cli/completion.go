package cli

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"
	"text/template"
)

// The completion command lists every command, itself included, so it joins
// the table last, once the table exists.
func init() {
	commands = append(commands, &command{name: "completion", synopsis: "completion bash",
		summary: "print a bash completion script: source <(sysconfig completion bash)",
		minArgs: 1, maxArgs: 1, flags: completionFlags, run: runCompletion})
}

// runCompletion prints a bash completion script ("completion bash"), or the
// field paths of the schema, one a line, which that script asks for
// ("completion paths").
func runCompletion(_ context.Context, inv *invocation) error {
	switch inv.args[0] {
	case "bash":
		return completionScript.Execute(inv.opts.Stdout, completionData())
	case "paths":
		s, err := inv.schema()
		if err != nil {
			return err
		}
		for _, d := range s.Fields() {
			fmt.Fprintln(inv.opts.Stdout, d.Path())
		}
		return nil
	}
	return usagef("completion %q: the shells are: bash", inv.args[0])
}

func completionFlags(fs *flag.FlagSet, inv *invocation) {
	fs.StringVar(&inv.schemaFile, "schema", "", "the schema `file` whose paths \"completion paths\" lists ($"+envSchema+"; default sysconfig.yaml)")
}

// completion is what the script completes: the commands, those whose
// first argument is a field path (a bash case pattern), and each
// command's flags.
type completion struct {
	Names, PathCommands string
	Commands            []commandFlags
}

// commandFlags are the flags of one command, space-separated.
type commandFlags struct{ Name, Flags string }

// completionData lists every command with its flags, from the same table
// and flag sets that parse them, so that the script cannot drift.
func completionData() completion {
	var names, withPaths []string
	var cmds []commandFlags
	for _, cmd := range commands {
		var flags []string
		newInvocation(Options{}).flagSet(cmd).VisitAll(func(f *flag.Flag) { flags = append(flags, "--"+f.Name) })
		sort.Strings(flags)
		cmds = append(cmds, commandFlags{Name: cmd.name, Flags: strings.Join(flags, " ")})
		names = append(names, cmd.name)
		if takesPath[cmd.name] {
			withPaths = append(withPaths, cmd.name)
		}
	}
	return completion{Names: strings.Join(names, " "), PathCommands: strings.Join(withPaths, " | "), Commands: cmds}
}

// takesPath names the commands whose first argument is a field path.
var takesPath = map[string]bool{"get": true, "set": true, "reset": true, "history": true, "revert": true}

// completionScript is the bash script of "completion bash". Paths come
// from "sysconfig completion paths", with the --schema of the line being
// completed, if any; files are completed for plan and apply.
var completionScript = template.Must(template.New("bash").Parse(`# bash completion for sysconfig: commands, flags and field paths.
# Load it with: source <(sysconfig completion bash)
_sysconfig() {
  local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]} i schema=()
  COMPREPLY=()
  if ((COMP_CWORD == 1)); then
    COMPREPLY=($(compgen -W "help {{.Names}}" -- "$cur"))
    return
  fi
  for ((i = 2; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in --schema | -schema) schema=(--schema "${COMP_WORDS[i + 1]}") ;; esac
  done
  if [[ $cur == -* ]]; then
    case $cmd in
{{- range .Commands}}
    {{.Name}}) COMPREPLY=($(compgen -W "{{.Flags}}" -- "$cur")) ;;
{{- end}}
    esac
    return
  fi
  case $cmd in
  help) COMPREPLY=($(compgen -W "{{.Names}}" -- "$cur")) ;;
  plan | apply) COMPREPLY=($(compgen -f -- "$cur")) ;;
  {{.PathCommands}})
    COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" completion paths "${schema[@]}" 2>/dev/null)" -- "$cur")) ;;
  esac
}
complete -F _sysconfig sysconfig
`))
