/** English UI strings. zh-CN.ts mirrors this shape (checked by its type). */
import type { ApiErrorCode } from '../../../shared/api'

const en = {
  app: {
    name: 'Blockforge',
    // The document title (browser tab, window list, announced on navigation): the screen first.
    pageTitle: '{screen} · Blockforge',
    skipToContent: 'Skip to content',
    // Names of the − and + buttons of number fields (read by screen readers).
    stepDown: 'Decrease',
    stepUp: 'Increase',
    nodeAt: 'Node at {url}',
    disconnected: 'Lost the connection to the node; reconnecting…',
    network: { main: 'main', regtest: 'regtest' },
    storage: {
      full: {
        title: 'The disk is full',
        body: 'New blocks cannot be stored: mining and catching up with peers are paused. Nothing was lost. Free some space on the disk holding the data dir; the node resumes by itself.'
      },
      damaged: {
        title: 'The chain database is damaged',
        body: 'Mining and catching up with peers have stopped. Stop the node, then restore the data dir from a backup, or move the chain database away to download the chain again from peers (keep wallet.json).'
      },
      since: 'Since {time}'
    }
  },
  nav: {
    dashboard: 'Dashboard',
    chain: 'Chain',
    wallet: 'Wallet',
    mining: 'Mining',
    peers: 'Peers',
    forks: 'Forks',
    tour: 'Guided tour',
    timeline: 'Timeline',
    refusals: 'Refusals',
    settings: 'Settings',
    label: 'Main navigation',
    welcome: 'Getting started',
    about: 'About Blockforge'
  },
  common: {
    loading: 'Loading…',
    retry: 'Retry',
    copied: 'Copied',
    copyLabel: 'Copy {what}',
    copyFailed: 'Could not copy to the clipboard',
    error: 'Something went wrong',
    never: 'never',
    coins: '{n} coin | {n} coins',
    // A count with its noun, singular or plural (useFormat().count): English sentences take these
    // whole; the Chinese ones put the number beside their own measure word.
    blocks: '{n} block | {n} blocks',
    transfers: '{n} transfer | {n} transfers',
    confirmations: '{n} confirmation | {n} confirmations',
    sideBlocks: '{n} side block | {n} side blocks',
    orphans: '{n} orphan | {n} orphans',
    ago: '{t} ago',
    milliseconds: '{n} ms',
    seconds: '{n} s',
    minutes: '{n} min',
    hours: '{n} h',
    days: '{n} d',
    back: 'Back'
  },
  search: {
    placeholder: 'Block index, block hash, transaction id or address',
    label: 'Search the chain',
    button: 'Search',
    empty: 'Type something to search for',
    noMatch: 'Nothing matches “{q}”',
    invalid: 'Search for a block index, a block hash, a transaction id or an address'
  },
  dashboard: {
    title: 'Dashboard',
    network: 'Network',
    tip: 'Tip',
    totalWork: 'Total work',
    difficulty: 'Next difficulty',
    difficultyUnit: 'bits',
    hashRate: 'Hash rate',
    peers: 'Peers',
    pending: 'Pending transactions',
    balance: 'Wallet balance',
    recentBlocks: 'Recent blocks',
    recentHint: 'New blocks appear here as they arrive.',
    noBlocks: 'Only the genesis block so far. Mine one on the Mining page.',
    idle: 'idle'
  },
  blockTable: {
    index: 'Index',
    hash: 'Hash',
    time: 'Time',
    txs: 'Txs',
    miner: 'Miner',
    reward: 'Reward',
    difficulty: 'Difficulty'
  },
  chain: {
    title: 'Chain',
    graphTitle: 'Recent blocks and branches',
    graphHint:
      'Each box is a block, linked to its parent. The top row is the main chain (most work); lower rows are side branches the node keeps.',
    graphLabel: 'Blocks {from} to {to}, main chain and side branches',
    older: 'Older',
    newer: 'Newer',
    latest: 'Latest',
    main: 'main chain',
    side: 'side branch',
    listTitle: 'All main-chain blocks',
    listHint: '{n} block, newest first | {n} blocks, newest first',
    reorg:
      'Reorganisation at block {index}: {disconnectedBlocks} left the main chain, {connected} joined it.',
    noBlocks: 'No blocks in this range',
    toForks: 'See it in the fork history',
    toForkTree: 'Every branch and orphan: the fork tree.',
    blockButton:
      '#{index} {txs} tx {hash}: Block {index}, {txs} transaction, {branch} | #{index} {txs} tx {hash}: Block {index}, {txs} transactions, {branch}'
  },
  block: {
    title: 'Block {index}',
    heading: 'Block',
    header: 'Header',
    hash: 'Hash',
    index: 'Index',
    previousHash: 'Previous hash',
    merkleRoot: 'Merkle root',
    timestamp: 'Timestamp',
    difficulty: 'Difficulty',
    proof: 'Proof (nonce)',
    version: 'Version',
    totalWork: 'Total work',
    miner: 'Miner',
    reward: 'Reward (with fees)',
    onMain: 'Main chain',
    side: 'Side branch',
    confirmations: 'no confirmations | {n} confirmation | {n} confirmations',
    sideHint:
      'This block is valid but not on the chain with the most work; its transactions do not count.',
    parent: 'Parent',
    genesisParent: 'none (genesis)',
    children: 'Children',
    noChildren: 'none yet (this is a tip)',
    transactions: 'Transactions',
    notFound: 'No block with hash {hash}'
  },
  inspect: {
    open: 'Inspect this block',
    title: 'Inspect block {index}',
    heading: 'Block inspector',
    back: 'Back to block {index}',
    headerBytes: 'Header bytes',
    headerIntro:
      "The block's hash is SHA-256 of these 96 bytes. Point at a field, or focus it, to see its bytes.",
    field: 'Field',
    bytes: 'Bytes',
    value: 'Value',
    range: '{from} to {to}',
    fields: {
      version: 'Version (u32)',
      index: 'Index (u64)',
      timestamp: 'Timestamp (u64, ms)',
      previous_hash: 'Previous hash',
      merkle_root: 'Merkle root',
      difficulty: 'Difficulty (u32)',
      proof: 'Proof (u64)'
    },
    hashTitle: 'The hash, bit by bit',
    hashIntro:
      'Proof of work: the hash, read as a 256-bit number, must begin with at least as many zero bits as the difficulty.',
    zeros: '{zeros} leading zero bits, {need} required: the proof of work holds.',
    zerosShort: '{zeros} leading zero bits, {need} required: the proof of work does not hold.',
    genesisPow:
      '{zeros} leading zero bits: the genesis block is fixed by the network, not checked for work.',
    work: 'Work of this block: 2^{difficulty} = {work} hashes on average.',
    merkleTitle: 'Merkle tree',
    merkleIntro:
      'The Merkle root in the header commits to every transaction id, in order: change one transaction and the root, and so the hash, changes.',
    treeLabel:
      'Merkle tree of {n} transactions; the path of transaction {i} to the root is highlighted',
    treeTooBig:
      'A tree of {n} transactions is too large to draw; the path of the chosen one is below.',
    txPicker: 'Transaction',
    pathTitle: 'Audit path of transaction {i}',
    pathIntro:
      'The only transaction: its leaf is the root. | With the transaction id and this one hash anyone can recompute the root, without the other transactions. | With the transaction id and these {n} hashes anyone can recompute the root, without the other transactions.',
    leafStep: 'Leaf: SHA-256(0x00 ‖ id)',
    stepLeft: 'SHA-256(0x01 ‖ sibling ‖ hash below)',
    stepRight: 'SHA-256(0x01 ‖ hash below ‖ sibling)',
    sibling: 'sibling',
    rootMatches: "The last hash is the header's Merkle root: transaction {i} is in this block.",
    noTxs: 'No transactions: the root is SHA-256 of nothing.',
    rulesTitle: 'Validation rules',
    rulesIntro:
      'Every rule of the protocol (PROTOCOL §4), in the order a node checks them. A block is refused with the code of the first rule it breaks.',
    genesisFixed:
      "The genesis block is fixed by the network's parameters: it is not checked, and its hash names the network.",
    rule: 'Rule',
    result: 'Result',
    compared: 'What was compared',
    status: { pass: 'holds', fail: 'broken', unchecked: 'not checked' },
    unchecked: {
      parent: 'the parent block is not known',
      coinbase: 'needs a well-formed coinbase first',
      depth:
        'rule 7 needs the state before the block: {depth} blocks would have to be unwound, more than a click waits for; it held when the block was connected'
    },
    rules: {
      version: { title: 'Version is 1', facts: 'version {version}' },
      index: {
        title: "Index is the parent's plus one",
        facts: 'index {index}, expected {expected}'
      },
      previous_hash: {
        title: "Previous hash is the parent's hash",
        facts: '{previousHash}, the parent is {parentHash}'
      },
      hash: { title: 'Hash is SHA-256 of the header', facts: 'computed {computed}' },
      difficulty: {
        title: 'Difficulty is the one expected here',
        facts: 'difficulty {difficulty}, expected {expected}'
      },
      pow: { title: 'Enough proof of work', facts: '{zeros} leading zero bits, {need} required' },
      time_old: {
        title: 'Later than the median of the last 11 blocks',
        facts: 'timestamp {timestamp}, median {median}'
      },
      time_new: {
        title: "Not too far ahead of this node's clock",
        facts: 'timestamp {timestamp}, at most {latest}'
      },
      tx_count: { title: 'Not too many transactions', facts: '{count}, at most {max}' },
      coinbase: {
        title: 'One coinbase, first, well-formed',
        facts: 'the first transaction: nonce {nonce}, amount {amount}'
      },
      duplicates: { title: 'No transaction twice', facts: 'transactions: {count}' },
      merkle_root: {
        title: 'Merkle root matches the transactions',
        facts: 'computed {computed}'
      },
      transactions: {
        title: 'Every transfer signed and paid for; coinbase = reward + fees',
        facts: 'transfers checked: {transfers}'
      }
    }
  },
  tamper: {
    open: 'Tamper with a copy',
    title: 'Tamper with a copy of block {index}',
    heading: 'Tamper lab',
    intro:
      'This is a copy of the block, checked by the node as you edit it. The stored chain never changes: nothing here is written. Change a field and watch what breaks.',
    copyTitle: 'The copy',
    hexHash: 'A hash is 64 lowercase hexadecimal characters.',
    restateRoot: 'Restate the Merkle root from the ids',
    txTitle: 'A transaction',
    coinbase: "Transaction 0 is the coinbase: the block's new coins, paid to its miner.",
    transfer: 'A transfer signed by {sender}.',
    amount: 'Amount',
    recipient: 'Recipient',
    address:
      'An address is 40 lowercase hexadecimal characters (or "0", which the rules refuse as a recipient).',
    txId: 'Its id, recomputed from its contents',
    reset: 'Undo every edit',
    breaksTitle: 'What breaks',
    breaks: {
      hashHolds: 'The hash: the header still hashes to the hash it states.',
      hashBroken: 'The hash: the header now hashes to {computed}, not to the stated {stated}.',
      powHolds:
        "The proof of work: the header's hash has {zeros} leading zero bits, {need} required.",
      powBroken:
        "The proof of work: the header's hash has {zeros} leading zero bits, {need} required: not enough.",
      merkleHolds: 'The Merkle root: it still matches the transaction ids.',
      merkleBroken: 'The Merkle root: the ids now make {computed}, not the root the header states.',
      signaturesHold: 'The signatures: every edited transfer is still signed by its sender.',
      signatureBroken:
        "The signature of transaction {list} no longer matches its contents: only the sender's key could sign it again. | The signatures of transactions {list} no longer match their contents: only the senders' keys could sign them again.",
      linkHolds: "The link: block {index} names this block's hash as its previous hash.",
      linkBroken:
        "The link: block {index} names the original's hash, not the copy's: the chain after this block does not follow the copy."
    },
    valid: 'Every rule holds: a node would accept this copy.',
    refusedWith: 'A node would refuse this copy with {code}: {reason}',
    mineTitle: 'Re-mine the copy',
    mineIntro:
      "Search, on this node's miner workers, for a proof that gives the copy's header a hash with enough leading zero bits. It repairs the hash and the proof of work, never a signature.",
    remine: 'Re-mine this copy',
    cancel: 'Cancel',
    progress:
      '{hashes} proofs tried ({rate} per second); {expected} on average at this difficulty.',
    mined: 'Found proof {proof}: the copy now states its new hash.',
    minedStale: 'Found a proof for the copy as it was before your last edit: re-mine this one.',
    stopped: {
      cancelled: 'Re-mining cancelled.',
      superseded: 'Re-mining stopped: this node started mining, which comes first.'
    },
    offerTitle: 'Offer the copy to a peer',
    offerIntro:
      'The peer checks it like any block it is sent (POST /blocks), and records a refusal in its own refusal report.',
    noPeers: 'This node has no peer to offer the copy to. Add one on',
    peer: 'Peer',
    offerButton: 'Offer',
    offer: {
      main: '{peer} took the copy onto its main chain.',
      side: '{peer} kept the copy as a side block: a fork beside the original with as much work, so the peer stays on the block it saw first.',
      known: '{peer} already has this block.',
      orphan:
        "{peer} does not know the copy's previous block: it keeps the copy aside as an orphan and asks for its parent.",
      refused: '{peer} refused the copy with {code}: {reason}',
      failed: '{peer} gave no usable answer: {message}'
    },
    hashTitle: "The copy's hash, bit by bit",
    rulesIntro:
      'Every rule of the protocol held against the copy as it states itself, in the order a node checks them: it is refused with the code of the first rule it breaks.'
  },
  chainFile: {
    export: 'Export chain',
    import: 'Import chain…',
    exporting: 'Read {n} block… | Read {n} blocks…',
    exported:
      'Saved the chain of {n} block as a file, in the format of GET /chain. | Saved the chain of {n} blocks as a file, in the format of GET /chain.',
    importing: 'Checked {n} of {total} block… | Checked {n} of {total} blocks…',
    imported:
      'Imported {n} new block; {known} already here. | Imported {n} new blocks; {known} already here.',
    notAChain:
      '{name} is not a chain file: a JSON list of blocks, or an object with "chain" or "blocks".',
    unnamed: 'number {at} in the file',
    refused:
      'Stopped at block {index}: refused with {code}, {reason} ({message}). No block before it was new. | Stopped at block {index}: refused with {code}, {reason} ({message}). The new block before it was imported. | Stopped at block {index}: refused with {code}, {reason} ({message}). The {n} new blocks before it were imported.',
    orphan:
      "Stopped at block {index}: its previous block is not in this node's chain, so the file does not start at it. No block before it was new. | Stopped at block {index}: its previous block is not in this node's chain, so the file does not start at it. The new block before it was imported. | Stopped at block {index}: its previous block is not in this node's chain, so the file does not start at it. The {n} new blocks before it were imported."
  },
  refusals: {
    title: 'Refusals',
    intro:
      'Every block and transaction this node refused, newest first: the rule it broke, what the rule compared, where it came from and what it cost the peer that sent it. The newest {max} posted to this node and the newest {max} of the rest are kept.',
    kind: 'Kind',
    all: 'All',
    blocks: 'Blocks',
    transactions: 'Transactions',
    code: 'Rule',
    anyCode: 'Any rule',
    source: 'From',
    anySource: 'Anyone',
    refresh: 'Refresh',
    empty: 'Nothing refused yet.',
    emptyFiltered: 'No refusal matches these filters.',
    dropped:
      '{n} refusals were not recorded: they came faster than {max} a second, and a flood is counted, not written.',
    when: 'When',
    what: 'What',
    why: 'Why',
    compared: 'What was compared',
    from: 'From',
    score: 'Peer score',
    block: 'Block {index}',
    transaction: 'Transaction',
    txFacts: 'amount {amount} + fee {fee}, balance {balance}; nonce {nonce}, next {nextNonce}',
    txFactsShort: 'amount {amount} + fee {fee}; nonce {nonce}',
    notScored: 'not scored',
    scored: 'lost {cost}, score now {score}',
    scoredBanned: 'lost {cost}: banned for it',
    pages: 'Pages of refusals',
    newer: 'Newer',
    older: 'Older',
    pageOf: 'Page {page} of {pages}',
    toPeers: 'Scores and bans of the peers: Peers',
    via: {
      peer: 'fetched from this peer',
      http: 'posted to this node',
      wallet: 'this wallet',
      mined: "this node's miner",
      local: 'this node',
      import: 'imported from a chain file'
    }
  },
  tour: {
    title: 'Guided tour',
    intro:
      'The classic “build a blockchain with Flask” walkthrough, step by step on this node: mine, send, register a second node, resolve; then a fork made on purpose and resolved by work. Each step says what happened and why, with this node’s own figures. `npm run demo` starts two nodes ready for it.',
    restart: 'Start the explanations again',
    stepTitle: 'Step {n}: {title}',
    failed: 'This step did not go through: {why}',
    toForksBeside: 'See both sides in the fork tree, this node’s beside the peer’s',
    notRegtest:
      'The tour runs on regtest nodes only: it sends coins to the demo’s wallet B, whose key anyone can make. Start the demo with `npm run demo`, or a node with --network regtest.',
    toForks: 'See it in the fork tree',
    end: 'That is the walkthrough, and what its Flask version leaves out: the node chooses by work, checks every signature and balance, and keeps the branch it left.',
    mine: {
      title: 'Mine a block',
      what: 'The walkthrough’s GET /mine: the node looks for a proof, a number that makes its block’s SHA-256 hash start with enough zero bits, and pays itself the reward.',
      do: 'Mine a block',
      done: 'Block {index} was found: its hash {hash} starts with at least {bits} zero bits, as the network’s difficulty asks. Its first transaction (the coinbase) pays this wallet {reward}; the balance is now {balance}.',
      inspect: 'Inspect its header bytes'
    },
    send: {
      title: 'Send coins',
      what: 'The walkthrough’s POST /transactions/new: a transfer of 10 coins (fee 1) to the demo’s second wallet, signed with this wallet’s key.',
      do: 'Send 10 coins',
      done: 'A transfer of {amount} (fee {fee}) to {to} was signed with this wallet’s private key and entered the pending pool. No block holds it yet: it has no confirmation, and could still be left out.'
    },
    confirm: {
      title: 'Mine it into a block',
      what: 'Mining again puts the pending transfer into a block: the miner takes the pool’s transfers, highest fee first.',
      do: 'Mine again',
      done: 'Block {index} holds the transfer: it has {confirmations}. The balance is now {balance}: the new reward and the fee came back to this wallet, the 10 coins left it.'
    },
    peer: {
      title: 'Register a second node',
      what: 'The walkthrough’s POST /nodes/register: a second node on this machine (the demo’s node B, another one found here, or a new one) becomes a peer; the one with less work catches up.',
      do: 'Register a second node',
      waiting: 'Waiting for {url} to catch up…',
      timeout: '{url} did not catch up within a minute',
      done: '{url} is a peer: this node checked its /status (the same genesis block, so the same network), and it fetched the blocks it lacked; it is at block {to} too.',
      doneStarted:
        'A new node was started at {url} and registered: this node checked its /status, and it fetched the blocks it lacked; it is at block {to} too.'
    },
    resolve: {
      title: 'Resolve',
      what: 'The walkthrough’s GET /nodes/resolve: ask every peer for its chain and keep the one with the most work.',
      do: 'Resolve',
      authoritative:
        '“Our chain is authoritative”: no peer has a chain with more work than this node’s {length} block. | “Our chain is authoritative”: no peer has a chain with more work than this node’s {length} blocks.',
      replaced:
        '“Our chain was replaced”: since the last resolve, a peer’s chain with more work took the place of this node’s; it now has {length} block. | “Our chain was replaced”: since the last resolve, a peer’s chain with more work took the place of this node’s; it now has {length} blocks.'
    },
    fork: {
      title: 'Make a fork',
      what: 'Cut this node off from its peers (the lab’s link faults: its own traffic, both ways), then mine one block here and two on the peer. Neither sees the other’s blocks.',
      do: 'Cut off and mine on both sides',
      done: 'Two branches now share block {fork}: this node mined {oursBlocks} on it, {peer} mined {theirs}. Each node has its own main chain and does not know the other’s.'
    },
    heal: {
      title: 'Heal, and let work decide',
      what: 'Reconnect. The nodes exchange their tips; the one with less work fetches the other’s branch and reorganises onto it.',
      do: 'Reconnect',
      waiting: 'Waiting for the nodes to agree…',
      timeout: 'No reorganisation within a minute: see the Peers screen',
      done: 'This node switched to the branch from {source}: since block {fork} it has more work ({newWork} against {oldWork}). {outBlocks} left the main chain and {in} joined; the pool was offered {backTransfers} back.',
      work: 'Work, not length: a node adds up the work of a branch, 2 to the power of each block’s difficulty. On regtest every block has the same difficulty, so here the heavier branch is also the longer one; on main the difficulty changes every 10 blocks, and a shorter branch of harder blocks wins.'
    }
  },
  forks: {
    title: 'Forks',
    intro:
      'Every block this node knows off its main chain: side branches (valid blocks on a branch with less work) and orphans (blocks waiting for their parent), beside the main chain. Below, each reorganisation: when the node switched to a branch with more work, and what that did.',
    treeTitle: 'Fork tree',
    treeLabel: 'Fork tree of this node: main chain, side branches and orphans',
    summary: 'Main chain to block {tip}; {sideBlocks}; {orphanCount}.',
    omitted: '{n} older side blocks are not drawn (the newest {max} are).',
    legend: 'Legend',
    status: { main: 'main chain', side: 'side branch', orphan: 'orphan' },
    blockName:
      '#{index} {hash}: block {index}, {status}, {txs} transaction | #{index} {hash}: block {index}, {status}, {txs} transactions',
    blockRole: 'block',
    gap: 'block left out | blocks left out',
    zoomIn: 'Zoom in',
    zoomOut: 'Zoom out',
    zoomReset: 'Reset zoom to 100%',
    peerTitle: 'Beside a peer',
    peer: 'Peer',
    noPeerChosen: 'No peer (this node alone)',
    noPeers: 'This node has no peers to compare with yet. Add one on the',
    peerNoTree:
      'This peer does not share its fork tree: GET /forks is Blockforge’s own route, not the protocol’s, and another node may not have it.',
    peerTreeLabel: 'Fork tree of peer {peer}',
    apart: 'Its tip is not this node’s: the two main chains differ.',
    together: 'Its tip is this node’s.',
    historyTitle: 'Reorganisations',
    historyHint:
      'Kept in the data dir, with the chain change each made (the newest {max}). Mark one to see its blocks in the tree.',
    noReorgs: 'This node has not reorganised its chain yet.',
    sentence:
      'Block {index}, from {source}, made its branch the main chain: since block {fork}, where the branches meet, it had more work ({newWork} against {oldWork}). {outBlocks} with {txsOutTransfers} left the main chain, {inBlocks} with {txsInTransfers} joined, and the pending pool was offered {backTransfers} back: it keeps those still valid on the new main chain.',
    mark: 'Mark in the tree',
    unmark: 'Unmark',
    details: 'Blocks and transfers',
    forkPoint: 'Fork point',
    oldTip: 'Tip left',
    newTip: 'Tip reached',
    left: 'Left the main chain ({n})',
    joined: 'Joined it ({n})',
    back: 'Offered back to the pool ({n})',
    none: 'none',
    more: 'Show older'
  },
  timeline: {
    title: 'Timeline',
    intro:
      'What this node did since it started, newest first: blocks, reorganisations, transactions, refusals, peers and faults injected. The newest {max} are kept, in memory.',
    export: 'Export (JSON)',
    show: 'Show',
    groups: {
      blocks: 'Blocks',
      transactions: 'Transactions',
      refusals: 'Refusals',
      peers: 'Peers',
      faults: 'Faults'
    },
    more: 'Show older ({n} more)',
    empty: 'Nothing to show yet.',
    kinds: {
      block: 'block',
      mined: 'mined',
      sideRun: 'Blocks {from} to {to} ({n}) kept on a side branch, from {source}',
      refusedBurst:
        'Refused {n} blocks and transactions in a burst; the last: {code}, from {source}',
      side: 'side branch',
      reorg: 'reorganisation',
      transaction: 'transaction',
      refused: 'refused',
      'peer-added': 'peer added',
      'peer-dropped': 'peer dropped',
      'peer-scored': 'peer scored',
      'peer-banned': 'peer banned',
      fault: 'fault'
    },
    run: 'Blocks {from} to {to} ({n}) connected, from {source}',
    block: 'Block {index} connected, from {source}',
    mined: 'Mined block {index}',
    side: 'Block {index} kept on a side branch, from {source}',
    reorg:
      'Reorganised after block {fork}: since the fork, the branch from {source} had more work ({newWork} against {oldWork}); {outBlocks} left the main chain, {in} joined, and the pool was offered {txsTransfers} back',
    transaction: 'A transfer of {amount} entered the pool, from {source}',
    refusedBlock: 'Refused block {index} ({code}), from {source}',
    refusedTx: 'Refused a transaction ({code}), from {source}',
    peerAdded: 'Peer {peer} added',
    peerDropped: 'Peer {peer} dropped',
    peerScored: 'Peer {peer} lost {cost} points, now {score}',
    peerBanned: 'Peer {peer} banned (lost {cost} points)',
    faultLink: 'Fault injected on the link with {peer}: {what}',
    faultParts: {
      paused: 'paused',
      latency: '{n} ms added to each request',
      loss: '{n}% of requests lost',
      separator: ', '
    },
    faultLinkHealed: 'The link with {peer} healed',
    faultCutOff: 'This node was cut off from the nodes on this machine',
    faultReconnected: 'This node was reconnected to the nodes on this machine',
    faultHealed: 'Every link healed',
    toRefusals: 'Refusals',
    toPeers: 'Peers',
    sources: {
      http: 'an HTTP client',
      wallet: 'this wallet',
      mined: "this node's miner",
      local: 'this node',
      peer: 'a peer',
      import: 'a chain file'
    }
  },
  tx: {
    title: 'Transaction',
    merkleProof: 'its Merkle proof (transaction {i} of the block)',
    id: 'Id',
    status: 'Status',
    pending: 'pending',
    confirmed: 'confirmed',
    confirmations: 'Confirmations',
    block: 'Block',
    time: 'Time',
    sender: 'From',
    recipient: 'To',
    amount: 'Amount',
    fee: 'Fee',
    nonce: 'Nonce',
    publicKey: 'Public key',
    signature: 'Signature',
    coinbase: 'coinbase (new coins)',
    notSigned: 'not signed (coinbase)',
    notFound: 'No transaction with id {id}',
    pendingHint: 'Waiting in the pending pool to be mined into a block.'
  },
  address: {
    title: 'Address',
    balance: 'Balance',
    nonce: 'Nonce (transfers sent)',
    history: 'History',
    noHistory: 'This address has never sent or received coins.',
    yours: 'This is your wallet'
  },
  history: {
    time: 'Time',
    status: 'Status',
    counterparty: 'Other party',
    delta: 'Change',
    fee: 'Fee',
    tx: 'Transaction',
    block: 'Block'
  },
  wallet: {
    title: 'Wallet',
    address: 'Your address',
    qrLabel: 'QR code of your address',
    balance: 'Balance',
    nonce: 'Next nonce',
    send: 'Send coins',
    recipient: 'Recipient address',
    recipientPlaceholder: '40 lowercase hex characters',
    amount: 'Amount',
    amountPlaceholder: 'Whole coins, at least 1',
    fee: 'Fee',
    feeHint: 'Goes to the miner of the block that includes it',
    submit: 'Send',
    sent: 'Transaction {id} sent; it is pending until a block includes it',
    pending: 'Pending',
    noPending: 'Nothing pending',
    noHistory: 'No confirmed transactions yet. Mine a block to earn the reward.',
    errors: {
      recipientRequired: 'Enter the recipient address',
      recipientFormat: 'An address is exactly 40 lowercase hex characters (0-9, a-f)',
      recipientSelf: 'That is your own address: sending to yourself only costs the fee',
      amountRequired: 'Enter an amount',
      amountInteger: 'The amount is a whole number of at least 1',
      amountTooLarge: 'The amount can be at most {max}',
      feeRequired: 'Enter a fee (0 for none)',
      feeInteger: 'The fee is a whole number of at least 0',
      feeTooLarge: 'The fee can be at most {max}',
      tooMuch: 'Amount plus fee ({total}) is more than your balance ({balance})'
    }
  },
  mining: {
    title: 'Mining',
    start: 'Start mining',
    stop: 'Stop mining',
    mineOnce: 'Mine one block',
    minedOne: 'Mined block {index}',
    workers: 'Workers',
    workersHint:
      'Parallel hashing threads, 1 to {max}; this machine has {cores} cores, and more threads than cores do not mine faster',
    active: 'Mining',
    inactive: 'Stopped',
    hashRate: 'Hash rate',
    hashes: 'Hashes tried',
    difficulty: 'Difficulty',
    expected: 'Expected time per block',
    blocksFound: 'Blocks found',
    chart: 'Hash rate over time',
    chartLabel: 'Line chart of the hash rate over the last {n} samples: now {now}, highest {max}',
    chartEmpty: 'The chart fills in while mining runs.'
  },
  peers: {
    title: 'Peers',
    add: 'Add a peer',
    urlLabel: 'Peer URL',
    urlPlaceholder: 'http://127.0.0.1:5001',
    urlInvalid: 'Enter an http:// or https:// URL',
    connect: 'Connect',
    added: 'Connected to {url}',
    list: 'Known peers',
    empty: 'No peers yet. Add one by URL or connect to a node on this machine below.',
    url: 'URL',
    state: 'State',
    states: { connected: 'connected', unreachable: 'unreachable', banned: 'banned' },
    tip: 'Tip',
    lag: 'Lag',
    lagAhead: '{n} ahead of us',
    lagBehind: '{n} behind',
    lagEven: 'in sync',
    lastContact: 'Last contact',
    score: 'Score',
    scoreLink: '{score}: what this node refused from this peer',
    traffic: 'Traffic (in / out)',
    actions: 'Actions',
    disconnect: 'Disconnect',
    ban: 'Ban',
    banFor: 'Ban {url} for',
    banMinutes: 'minutes',
    unban: 'Unban',
    banned: 'Banned {url} for {minutes} min',
    unbanned: 'Unbanned {url}',
    disconnected: 'Disconnected from {url}',
    bannedUntil: 'banned until {time}',
    resolve: 'Resolve conflicts',
    resolveHint: 'Ask every peer for its chain and keep the valid one with the most work.',
    replaced: 'Our chain was replaced',
    authoritative: 'Our chain is authoritative',
    local: 'Blockforge nodes on this machine',
    localHint: 'Other nodes found on local ports.',
    localEmpty: 'No other Blockforge node is running on this machine.',
    discover: 'Look again',
    startLocal: 'Start another local node',
    startedLocal: 'Started a node at {url}',
    thisNode: 'this node',
    connected: 'connected',
    otherNetwork: 'other network',
    blocks: '{n} block | {n} blocks',
    linkPaused: 'link paused (fault)',
    linkDegraded: 'link: +{ms} ms, {loss}% lost (fault)'
  },
  faults: {
    title: 'Link faults',
    hint: 'A fault is applied by this node to its own traffic with that peer, both ways; a restart heals every link. Only peers on this machine can be given one.',
    cutOff: 'Cut this node off',
    reconnect: 'Reconnect',
    healAll: 'Heal all links',
    isolated:
      'This node is cut off from every node on this machine: nothing goes out to them, and what they send gets no answer.',
    empty:
      'No peer on this machine yet: add one above, or connect to a node on this machine below.',
    peer: 'Peer',
    state: 'Link',
    latency: 'Latency (ms)',
    loss: 'Loss (%)',
    actions: 'Actions',
    states: { ok: 'normal', paused: 'paused', cutOff: 'cut off', degraded: 'slowed or lossy' },
    pause: 'Pause',
    resume: 'Resume',
    apply: 'Apply',
    pauseLabel: 'Pause the link with {url}',
    resumeLabel: 'Resume the link with {url}',
    applyLabel: 'Apply latency and loss to the link with {url}',
    latencyLabel: 'Latency of the link with {url}, in ms',
    lossLabel: 'Loss of the link with {url}, in %',
    range: 'Latency is a whole number of ms from 0 to {max}; loss a whole percent from 0 to 100.',
    paused: 'Paused the link with {url}',
    resumed: 'Resumed the link with {url}',
    applied: 'The link with {url}: {latency} ms added, {loss}% lost',
    cutDone: 'This node is cut off from the nodes on this machine',
    reconnected: 'This node is reconnected to the nodes on this machine',
    healed: 'Every link healed'
  },
  settings: {
    title: 'Settings',
    node: 'Node',
    restartHint: 'Port, host, network and data directory take effect when the node restarts.',
    port: 'Port',
    host: 'Host',
    network: 'Network',
    dataDir: 'Data directory',
    apiToken: 'API token',
    apiTokenPlaceholder: 'No token: only this machine may use the control routes',
    apiTokenHint: 'Lets other machines use the control routes; keep it secret.',
    miningThreads: 'Mining workers',
    workersRequired: 'Enter the number of mining workers',
    workersRange: 'Mining workers is a whole number from {min} to {max}',
    /** Where the API token and the worker count in force come from (SettingSource). */
    source: {
      apiToken: {
        commandLine: 'Set by --api-token for this run',
        environment: 'Set by BLOCKFORGE_API_TOKEN for this run',
        settings: 'Saved in Settings',
        default: 'No token set: only this machine can use the control routes'
      },
      miningThreads: {
        commandLine: 'Set by --threads for this run',
        environment: 'Set by the environment for this run',
        settings: 'Saved in Settings',
        default: 'Default: one worker per processor core'
      },
      applies: 'a change here applies at once and is saved',
      flagWins: 'a change here applies at once and is saved; {flag} wins again at the next start',
      line: '{source}; {note}'
    },
    appearance: 'Appearance',
    theme: 'Theme',
    light: 'Light',
    dark: 'Dark',
    language: 'Language',
    save: 'Save',
    saved: 'Settings saved',
    reset: 'Undo changes',
    desktop: 'Desktop',
    notifications: 'Notifications',
    notificationsHint:
      'A desktop notification when this node finds a block or the wallet receives coins.',
    notificationsBlocked:
      'Notifications are blocked for this app: allow them in the browser or system settings.',
    notificationsUnsupported: 'This browser cannot show desktop notifications.'
  },
  /** The first-run screen: shown once per data dir, reopened from the navigation. */
  welcome: {
    title: 'Welcome to Blockforge',
    intro:
      'Blockforge is a blockchain node you can see into: mine blocks, send coins and watch every block, transaction and reorganisation as it happens, on this machine and between nodes.',
    walletCreated: 'Your wallet was created',
    walletExisting: 'Your wallet',
    address: 'Its address (where others send you coins):',
    addressLabel: 'wallet address',
    keyTitle: 'Back up your key',
    keyBody:
      'The wallet’s private key is in this file, and it is the only copy: if it is lost, so are the coins. Back it up. A node’s data directory holds the chain and the wallet.',
    keyFileLabel: 'wallet file',
    peersTitle: 'Connect a second node',
    peersBody:
      'On the Peers screen, press “Start another local node”, or add another node’s address (for example http://192.168.1.20:5000) under “Add a peer”. Nodes that know each other share blocks and transactions by themselves.',
    mineTitle: 'Try it',
    mineBody: 'Mine a block on the Mining screen, then send coins from the Wallet screen.',
    close: 'Get started'
  },
  about: {
    title: 'About Blockforge',
    version: 'Version',
    protocol: 'Protocol version',
    runtime: 'Runtime',
    platform: 'Platform',
    dataDir: 'Data directory',
    walletFile: 'Wallet file',
    logDir: 'Log folder',
    license: 'License',
    licenseText: 'MIT',
    close: 'Close'
  },
  /** Desktop notifications (Settings → Notifications). */
  notices: {
    mined: 'Block #{index} found: +{coins}',
    received: 'Received {coins} from {sender}'
  },
  /** The node's outcomes by their codes (ApiResult.error); the node's own text is only the detail. */
  outcomes: {
    refused: 'The node refused: {reason}',
    unknown: 'The node refused this ({code})',
    withDetail: '{title} ({detail})',
    peerNotAdded: 'The node refused to add {url}: {reason}',
    networkLabel: '{name} ({id})',
    // Every code the node's API can answer with (ApiErrorCode), and no other: a code added there
    // and not worded here fails to compile.
    codes: {
      invalid_field: 'a value is not valid',
      not_found: 'not found',
      unavailable: 'not possible right now',
      banned: 'the peer is banned',
      peer_limit: 'this node has as many peers as it takes',
      unreachable: 'the peer cannot be reached',
      bad_answer: 'the peer did not answer as a Blockforge node',
      wrong_genesis: 'the peer is on another network',
      insufficient_funds: 'not enough coins',
      bad_nonce: 'the transfer is out of order (nonce)',
      duplicate_tx: 'a transaction appears twice in the block',
      bad_transaction: 'the transaction is not valid',
      bad_signature: 'the signature is not valid',
      bad_sender: 'the sender does not match the key',
      this_node: 'that address leads to this node itself',
      same_node: 'that node is already a peer under another address',
      removed: 'that peer was removed by the user',
      // The block rules' codes (PROTOCOL §4): typed as possible answers, though a transfer from
      // the wallet breaks only the transaction rules above.
      bad_version: 'the block version is not valid',
      bad_index: 'the block index does not follow its parent',
      bad_previous_hash: 'the block does not follow its parent',
      bad_hash: 'the block hash does not match its contents',
      bad_difficulty: 'the block difficulty is not the expected one',
      bad_pow: 'the block lacks the proof of work',
      time_too_old: 'the block time is too old',
      time_too_new: 'the block time is too far ahead',
      too_many_txs: 'the block has too many transactions',
      bad_coinbase: "the block's coinbase is not valid",
      bad_merkle_root: "the block's merkle root does not match its transactions"
    } satisfies Record<ApiErrorCode, string>
  },
  notFound: {
    title: 'Page not found',
    home: 'Go to the dashboard'
  }
}

export default en
export type Messages = typeof en
