/**
 * Checks a send form before anything goes to the node, so mistakes are explained next to the
 * field. The form keeps the text the user typed and this is the only place that turns it into
 * numbers: a value that is not exactly a whole number in range is refused, never rounded or
 * clamped into one, so what is sent is what was typed or nothing. Only the form's shape is
 * checked; the node still decides whether the transfer is valid.
 */
import type { SendRequest } from '@shared/api'

/** The fields as typed. */
export interface SendDraft {
  recipient: string
  amount: string
  fee: string
}

export type SendFieldError =
  | 'recipientRequired'
  | 'recipientFormat'
  | 'amountRequired'
  | 'amountInteger'
  | 'amountTooLarge'
  | 'feeRequired'
  | 'feeInteger'
  | 'feeTooLarge'
  | 'tooMuch'

export interface SendCheck {
  recipient?: SendFieldError
  amount?: SendFieldError
  fee?: SendFieldError
  /** Amount plus fee, once both are whole numbers (for the tooMuch message). */
  total?: number
  /** The request to send, present only when every field is right: built from what was checked. */
  request?: SendRequest
}

/**
 * PROTOCOL §1's address and hash formats. The renderer may not import the node's core, where the
 * one copy lives (FORMATS); test/one-rule.test.ts holds these mirrors to it.
 */
const ADDRESS = /^[0-9a-f]{40}$/
const HASH = /^[0-9a-f]{64}$/

/** An address as PROTOCOL §1 writes it (the send form, the tamper lab's recipient). */
export const isAddressText = (s: string): boolean => ADDRESS.test(s)
/** A block or transaction hash as PROTOCOL §1 writes it. */
export const isHashText = (s: string): boolean => HASH.test(s)
/** Digits only: no sign, point, exponent, separator or hex, so -5, 2.5, 1e3 and 0x10 are refused. */
const WHOLE = /^[0-9]+$/
/** docs/PROTOCOL.md §1: amounts and fees are JSON integers 0 <= n <= 2^53 - 1. */
export const MAX_COINS = Number.MAX_SAFE_INTEGER

export type Parsed = { value: number } | { error: 'required' | 'integer' | 'tooLarge' }

/** A whole number >= min as typed (surrounding spaces aside), or why it is not one. */
export function whole(text: string, min: number): Parsed {
  const s = text.trim()
  if (s === '') return { error: 'required' }
  if (!WHOLE.test(s)) return { error: 'integer' }
  const n = Number(s)
  // Past 2^53 - 1 a digit string no longer maps to its own number (…993 reads as …992).
  if (!Number.isSafeInteger(n)) return { error: 'tooLarge' }
  if (n < min) return { error: 'integer' }
  return { value: n }
}

export function checkSend(d: SendDraft, balance: number): SendCheck {
  const out: SendCheck = {}
  const recipient = d.recipient.trim()
  if (!recipient) out.recipient = 'recipientRequired'
  else if (!ADDRESS.test(recipient)) out.recipient = 'recipientFormat'

  const amount = whole(d.amount, 1)
  if ('error' in amount) {
    out.amount =
      amount.error === 'required'
        ? 'amountRequired'
        : amount.error === 'tooLarge'
          ? 'amountTooLarge'
          : 'amountInteger'
  }
  const fee = whole(d.fee, 0)
  if ('error' in fee) {
    out.fee =
      fee.error === 'required'
        ? 'feeRequired'
        : fee.error === 'tooLarge'
          ? 'feeTooLarge'
          : 'feeInteger'
  }

  if ('value' in amount && 'value' in fee) {
    out.total = amount.value + fee.value
    if (out.total > balance) out.amount = 'tooMuch'
    else if (!out.recipient) out.request = { recipient, amount: amount.value, fee: fee.value }
  }
  return out
}

export function isSendable(c: SendCheck): boolean {
  return c.request !== undefined
}
