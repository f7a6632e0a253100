# fish completion for fnctl.
#
# Install:  fnctl completion fish > ~/.config/fish/completions/fnctl.fish
# or, for this shell only:  fnctl completion fish | source
#
# A thin wrapper: `fnctl __complete -- WORD...` computes the candidates from
# fnctl's command table (one per line, "value<TAB>description"; a last line
# ":file" or ":dir" asks for file or directory names).

function __fnctl_complete
    set -l words (commandline -opc)
    set -l prog $words[1]
    string match -q -- '*/*' $prog; or set prog fnctl
    set -l cur (commandline -ct)
    set -l lead (string match -r -- '^--[^=]*=' $cur)
    for line in (command $prog __complete -- $words[2..-1] $cur 2>/dev/null)
        switch $line
            case :file
                for f in (__fish_complete_path (string sub -s (math (string length -- "$lead") + 1) -- $cur))
                    printf '%s%s\n' $lead $f
                end
            case :dir
                for f in (__fish_complete_directories (string sub -s (math (string length -- "$lead") + 1) -- $cur))
                    printf '%s%s\n' $lead $f
                end
            case '*'
                printf '%s\n' $line
        end
    end
end

complete -c fnctl -e
complete -c fnctl -f -a '(__fnctl_complete)'
