/**
 * Small building blocks shared by the screens: loading and failure states, the degraded notice,
 * labelled form fields wired to their errors, and the keyboard-reachable tooltip.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { describeFailure, isUnreachable } from './errors';

/** A polite loading line. */
export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** A failed request: what went wrong and a retry button. */
export function Failure({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className={isUnreachable(error) ? 'alert alert-down' : 'alert'} role="alert" data-testid="failure">
      <p>{describeFailure(error)}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

/** Says which data sources did not answer, and what is missing because of it. */
export function DegradedNotice({ sources, missing }: { sources: readonly { id: string; name?: string | null }[]; missing: string }) {
  if (sources.length === 0) return null;
  const names = sources.map((s) => (s.name ? `${s.name} (${s.id})` : s.id)).join(', ');
  return (
    <div className="notice" role="status" data-testid="degraded">
      <strong>Unavailable: {names}.</strong> {missing}
    </div>
  );
}

/** Props of a form field. */
interface FieldProps {
  readonly name: string;
  readonly label: string;
  readonly required?: boolean;
  readonly error?: string;
  readonly hint?: string;
}

/** Label, control, hint and error of one field: `aria-invalid` and `aria-describedby` follow the error. */
function FieldShell({ name, label, required, error, hint, children }: FieldProps & { children: (a11y: Record<string, unknown>) => ReactNode }) {
  const id = `f-${name}`;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>
        {label}
        {required ? (
          <span className="required" aria-hidden="true">
            {' '}
            *
          </span>
        ) : null}
      </label>
      {children({ id, name, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy, 'aria-required': required || undefined })}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A labelled text input. */
export function TextField(props: FieldProps & { value: string; onChange: (v: string) => void; type?: string; autoComplete?: string }) {
  return (
    <FieldShell {...props}>
      {(a11y) => <input {...a11y} type={props.type ?? 'text'} value={props.value} autoComplete={props.autoComplete ?? 'off'} onChange={(e) => props.onChange(e.target.value)} />}
    </FieldShell>
  );
}

/** A labelled multi-line input. */
export function TextArea(props: FieldProps & { value: string; onChange: (v: string) => void }) {
  return <FieldShell {...props}>{(a11y) => <textarea {...a11y} rows={3} value={props.value} onChange={(e) => props.onChange(e.target.value)} />}</FieldShell>;
}

/** A labelled select. */
export function SelectField(props: FieldProps & { value: string; onChange: (v: string) => void; options: readonly { value: string; label: string }[]; placeholder?: string }) {
  return (
    <FieldShell {...props}>
      {(a11y) => (
        <select {...a11y} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          {props.placeholder !== undefined ? <option value="">{props.placeholder}</option> : null}
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

/** The three validities of OTRS. */
export const VALIDITY_OPTIONS = [
  { value: 'VALID', label: 'valid' },
  { value: 'INVALID', label: 'invalid' },
  { value: 'INVALID_TEMPORARILY', label: 'invalid-temporarily' },
] as const;

/** Moves focus to the first invalid field after a failed submit. */
export function useFocusFirstInvalid(errors: Record<string, string>): void {
  useEffect(() => {
    const first = document.querySelector<HTMLElement>('[aria-invalid="true"]');
    first?.focus();
  }, [errors]);
}

/**
 * A tooltip over a trigger (usually a link): it opens on hover and on keyboard focus, closes on
 * Escape, blur and mouse leave, and is tied to the trigger by `aria-describedby`. `content` is
 * rendered only while open, so a lazily loaded card fetches when first shown.
 */
export function Tooltip({ trigger, content, label }: { trigger: (props: Record<string, unknown>) => ReactNode; content: () => ReactNode; label: string }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [place, setPlace] = useState<{ top: number; left: number }>({ top: 0, left: 0 });
  const host = useRef<HTMLSpanElement>(null);
  const closeTimer = useRef<number | undefined>(undefined);
  const show = () => {
    window.clearTimeout(closeTimer.current);
    // Fixed position from the trigger's box, so that a scrolling table does not clip the card.
    const box = host.current?.getBoundingClientRect();
    if (box) setPlace({ top: box.bottom + 4, left: Math.max(4, Math.min(box.left, window.innerWidth - 330)) });
    setOpen(true);
  };
  useEffect(() => {
    if (!open) return;
    const close = () => setOpen(false);
    window.addEventListener('scroll', close, true);
    window.addEventListener('resize', close);
    return () => {
      window.removeEventListener('scroll', close, true);
      window.removeEventListener('resize', close);
    };
  }, [open]);
  const hide = () => {
    window.clearTimeout(closeTimer.current);
    closeTimer.current = window.setTimeout(() => setOpen(false), 150);
  };
  useEffect(() => () => window.clearTimeout(closeTimer.current), []);
  return (
    <span className="tooltip-host" ref={host} onMouseEnter={show} onMouseLeave={hide}>
      {trigger({
        'aria-describedby': open ? id : undefined,
        onFocus: show,
        onBlur: hide,
        onKeyDown: (e: { key: string }) => {
          if (e.key === 'Escape') setOpen(false);
        },
      })}
      {open ? (
        <span role="tooltip" id={id} className="tooltip" aria-label={label} style={{ top: place.top, left: place.left }}>
          {content()}
        </span>
      ) : null}
    </span>
  );
}
