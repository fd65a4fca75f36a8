" Helpers for the scale filetype plugin.

scriptencoding utf-8

let s:cpo_save = &cpo
set cpo&vim

" 'formatexpr' of scale buffers: `gq` pipes the lines through 'formatprg'
" (`scalec fmt --stdin`) and replaces them with its output. When the text
" does not parse, the lines stay as they were and the error is echoed,
" instead of the error report replacing them as a bare 'formatprg' would.
function! scale#Format() abort
  " Auto-wrapping while typing keeps Vim's own formatting.
  if mode() =~# '^[iR]' || empty(&l:formatprg)
    return 1
  endif
  let first = v:lnum
  let last = v:lnum + v:count - 1
  let out = systemlist(&l:formatprg, getline(first, last))
  if v:shell_error
    let problem = filter(copy(out), 'v:val =~# "×\\|error"')
    let position = matchlist(join(out, "\n"), '<stdin>:\(\d\+\):\(\d\+\)')
    let where = empty(position) ? '' : printf(' (line %d)', first + position[1] - 1)
    echohl ErrorMsg
    echomsg 'scalec fmt: ' . (empty(problem) ? 'failed' : trim(substitute(problem[0], '^\s*×\s*', '', ''))) . where
    echohl None
    return 0
  endif
  let count = last - first + 1
  if len(out) > count
    call append(last, out[count :])
  elseif len(out) < count
    silent execute (first + len(out)) . ',' . last . 'delete _'
  endif
  if !empty(out)
    call setline(first, out)
  endif
  return 0
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
