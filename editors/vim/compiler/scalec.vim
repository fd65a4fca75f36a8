" Vim compiler file
" Compiler: scalec check
"
" `scalec check --format short` prints one line per finding:
"   path:line:col: error[E002]: unknown attribute `replica` in service `api`
" Each becomes a quickfix entry of type E, W or I whose text starts with
" the rule code: `[E002]: unknown attribute ...`. Columns count characters;
" Vim reads them as byte columns, the same for ASCII lines.

if exists('current_compiler')
  finish
endif
let current_compiler = 'scalec'

let s:cpo_save = &cpo
set cpo&vim

if exists(':CompilerSet') != 2
  command -nargs=* CompilerSet setlocal <args>
endif

CompilerSet makeprg=scalec\ check\ --format\ short
CompilerSet errorformat=
      \%E%f:%l:%c:\ error%m,
      \%W%f:%l:%c:\ warning%m,
      \%I%f:%l:%c:\ info%m,
      \%-G%.%#

let &cpo = s:cpo_save
unlet s:cpo_save
