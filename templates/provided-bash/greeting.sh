# shellcheck shell=bash
# The business logic: who may be greeted, and how. It knows nothing of Lambda
# or HTTP (handler.sh is the adapter), so it can be tested on its own.
# Sourced by handler.sh; needs only bash.

NAME_MAX=50

# validate_name NAME: returns 0 when NAME is a name; else prints why not and
# returns 1.
validate_name() {
    local name=$1
    if [[ -z $name ]]; then
        echo "the name is empty"
        return 1
    fi
    if ((${#name} > NAME_MAX)); then
        echo "the name is longer than $NAME_MAX characters"
        return 1
    fi
    # Letters, then letters, spaces, dots, hyphens and apostrophes.
    if ! [[ $name =~ ^[[:alpha:]][[:alpha:][:space:].\'-]*$ ]]; then
        echo "the name may hold only letters, spaces, dots, hyphens and apostrophes"
        return 1
    fi
}

# greeting SALUTATION NAME: prints the greeting.
greeting() {
    printf '%s, %s!' "$1" "$2"
}
