import type { ComponentChildren } from 'preact';

interface Props {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'url';
  autoComplete?: string;
  placeholder?: string;
  readOnly?: boolean;
  describedBy?: string | undefined;
  /** Shown after the input (a hint, "Set by your firm"). */
  children?: ComponentChildren;
}

/** One labelled text input on its own line, as the settings forms show them. */
export function TextField({
  id,
  label,
  value,
  onValue,
  type = 'text',
  describedBy,
  children,
  ...rest
}: Props) {
  return (
    <p>
      <label for={id}>{label}</label>
      <input
        id={id}
        // Preact types each input type apart; these four take the same attributes here.
        type={type as 'text'}
        value={value}
        aria-describedby={describedBy}
        onInput={(e) => onValue(e.currentTarget.value)}
        {...rest}
      />
      {children}
    </p>
  );
}
