//go:build !purego

#include "textflag.h"

// LANE advances the lane at byte offset off of idx one step (see
// walkBinnedGo): i = idx[lane]; n = nodes[i] (12 bytes: word, right,
// slot); bin = bins[n.slot]; left when bit bin of words[n.word:] is set,
// then i+1, else n.right.
#define LANE(off) \
	MOVLQSX off(R9), AX \
	LEAQ    (AX)(AX*2), BX \
	MOVL    4(SI)(BX*4), CX \
	MOVBLZX 8(SI)(BX*4), DX \
	MOVWLZX (R8)(DX*2), DX \
	MOVL    (SI)(BX*4), BX \
	MOVQ    DX, R11 \
	SHRQ    $6, R11 \
	ADDQ    R11, BX \
	MOVQ    (DI)(BX*8), R11 \
	INCL    AX \
	BTQ     DX, R11 \
	CMOVLCS AX, CX \
	MOVL    CX, off(R9)

// func walkBinnedAsm(nodes *binNode, words *uint64, bins *[256]uint16, idx *[16]int32, steps int)
TEXT ·walkBinnedAsm(SB), NOSPLIT, $0-40
	MOVQ nodes+0(FP), SI
	MOVQ words+8(FP), DI
	MOVQ bins+16(FP), R8
	MOVQ idx+24(FP), R9
	MOVQ steps+32(FP), R10
	TESTQ R10, R10
	JLE  done

loop:
	LANE(0)
	LANE(4)
	LANE(8)
	LANE(12)
	LANE(16)
	LANE(20)
	LANE(24)
	LANE(28)
	LANE(32)
	LANE(36)
	LANE(40)
	LANE(44)
	LANE(48)
	LANE(52)
	LANE(56)
	LANE(60)
	DECQ R10
	JNZ  loop

done:
	RET
