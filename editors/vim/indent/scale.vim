" Vim indent file
" Language: scalec policy (.scale)
"
" Two spaces per open `{`, `[` or `(`, as `scalec fmt` writes it: a line
" is indented one level deeper than the previous line for each bracket
" that line leaves open, and a line starting with a closing bracket goes
" back one level.

if exists('b:did_indent')
  finish
endif
let b:did_indent = 1

setlocal nosmartindent nocindent autoindent
setlocal indentexpr=GetScaleIndent(v:lnum)
setlocal indentkeys=0},0],0),!^F,o,O

let b:undo_indent = 'setlocal autoindent< cindent< smartindent< indentexpr< indentkeys<'

if exists('*GetScaleIndent')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" The code of a line: strings emptied, the comment dropped.
function! s:Code(line) abort
  let code = substitute(a:line, '"\%([^"\\]\|\\.\)*"', '""', 'g')
  return substitute(code, '#.*$', '', '')
endfunction

function! GetScaleIndent(lnum) abort
  let prev = prevnonblank(a:lnum - 1)
  if prev == 0
    return 0
  endif
  let code = s:Code(getline(prev))
  " Closing brackets that start the previous line were already taken off
  " its own indent.
  let code = substitute(code, '^\s*[])}]\%(\s*[])}]\)*', '', '')
  let opens = len(substitute(code, '[^[({]', '', 'g'))
  let closes = len(substitute(code, '[^])}]', '', 'g'))
  let ind = indent(prev) + shiftwidth() * (opens - closes)
  let leading = matchstr(s:Code(getline(a:lnum)), '^\s*\zs[])}]\%(\s*[])}]\)*')
  let ind -= shiftwidth() * len(substitute(leading, '\s', '', 'g'))
  return max([ind, 0])
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
