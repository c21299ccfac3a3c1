// GNU readline (Debian: libreadline-dev). readline.h needs stdio.h first.
#ifndef KORQA_CREADLINE_SHIM_H
#define KORQA_CREADLINE_SHIM_H
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
#endif
