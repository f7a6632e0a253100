# bash completion for fnctl.
#
# Install:  fnctl completion bash > ~/.local/share/bash-completion/completions/fnctl
# or, for this shell only:  source <(fnctl completion bash)
#
# A thin wrapper: `fnctl __complete -- WORD...` computes the candidates from
# fnctl's command table (one per line, "value<TAB>description"; a last line
# ":file" or ":dir" asks for file or directory names).

_fnctl() {
    local prog=${COMP_WORDS[0]} i w glue=0 out line v
    local -a words=()
    COMPREPLY=()
    [[ $prog == */* ]] || prog=fnctl
    prog=${prog/#\~/$HOME}

    # COMP_WORDS splits "--config=FILE" at '='; fnctl wants it whole
    for ((i = 1; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if ((glue)); then
            words[${#words[@]}-1]+=$w
            glue=0
        elif [[ $w == = && ${#words[@]} -gt 0 && ${words[${#words[@]}-1]} == --* &&
            ${words[${#words[@]}-1]} != *=* ]]; then
            words[${#words[@]}-1]+='='
            glue=1
        else
            words+=("$w")
        fi
    done
    ((${#words[@]})) || words=("")
    local cur=${words[${#words[@]}-1]} lead=
    # readline replaces only the text after the last '=' of the word
    [[ $cur == --*=* && $COMP_WORDBREAKS == *=* ]] && lead=${cur%"${cur##*=}"}

    out=$(command "$prog" __complete -- "${words[@]}" 2>/dev/null) || return 0
    while IFS= read -r line; do
        case $line in
        '') ;;
        :file | :dir)
            v=${cur#"$lead"}
            [[ $cur == --*=* ]] && v=${cur#*=}
            compopt -o filenames 2>/dev/null
            if [[ $line == :dir ]]; then
                mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$v")
            else
                mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$v")
            fi
            ;;
        *)
            line=${line%%$'\t'*}
            COMPREPLY+=("${line#"$lead"}")
            ;;
        esac
    done <<<"$out"
    return 0
}

complete -F _fnctl fnctl
