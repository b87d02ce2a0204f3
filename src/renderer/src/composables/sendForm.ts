/**
 * Checks a send form before anything goes to the node, so mistakes are explained next to the
 * field. Only the form's shape is checked; the node still decides whether the transfer is valid.
 */
export interface SendDraft {
  recipient: string
  amount: number | null
  fee: number | null
}

export type SendFieldError =
  | 'recipientRequired'
  | 'recipientFormat'
  | 'amountRequired'
  | 'amountInteger'
  | 'feeInteger'
  | 'tooMuch'

export interface SendCheck {
  recipient?: SendFieldError
  amount?: SendFieldError
  fee?: SendFieldError
}

const ADDRESS = /^[0-9a-f]{40}$/

export function checkSend(d: SendDraft, balance: number): SendCheck {
  const out: SendCheck = {}
  const recipient = d.recipient.trim()
  if (!recipient) out.recipient = 'recipientRequired'
  else if (!ADDRESS.test(recipient)) out.recipient = 'recipientFormat'

  if (d.amount === null) out.amount = 'amountRequired'
  else if (!Number.isSafeInteger(d.amount) || d.amount < 1) out.amount = 'amountInteger'

  if (d.fee === null || !Number.isSafeInteger(d.fee) || d.fee < 0) out.fee = 'feeInteger'

  if (!out.amount && !out.fee && (d.amount ?? 0) + (d.fee ?? 0) > balance) out.amount = 'tooMuch'
  return out
}

export function isSendable(c: SendCheck): boolean {
  return !c.recipient && !c.amount && !c.fee
}
