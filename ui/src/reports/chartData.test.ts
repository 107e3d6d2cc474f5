import { describe, expect, it } from 'vitest'

import { axisDomain, barScale, cellStrength, curveGeometry, distributionBars, formatEdge, matrixShading, niceTicks } from './chartData'
import type { CurveItem, DistributionItem, MatrixItem } from './document'

describe('distributionBars', () => {
  it('labels numeric bins by their edges', () => {
    const item: DistributionItem = { kind: 'distribution', name: 'age', numeric: true, bins: [0, 0.5, 1.25], reference: [0.4, 0.6], current: [0.7, 0.3] }
    expect(distributionBars(item)).toEqual([
      { label: '0 – 0.5', reference: 0.4, current: 0.7 },
      { label: '0.5 – 1.25', reference: 0.6, current: 0.3 },
    ])
  })

  it('labels categories by name and fills a side that is short', () => {
    const item: DistributionItem = { kind: 'distribution', name: 'plan', numeric: false, bins: ['basic', 'pro', 'team'], reference: [0.5, 0.5], current: [0.2, 0.3, 0.5] }
    const bars = distributionBars(item)
    expect(bars.map((bar) => bar.label)).toEqual(['basic', 'pro', 'team'])
    expect(bars[2]).toEqual({ label: 'team', reference: 0, current: 0.5 })
    expect(barScale(bars)).toBe(0.5)
  })

  it('formats edges compactly', () => {
    expect(formatEdge(123456)).toBe('1.2e+5')
    expect(formatEdge(-0.123456)).toBe('-0.123')
    expect(formatEdge('a')).toBe('a')
  })
})

describe('axes', () => {
  it('uses [0, 1] for rates and pads other ranges', () => {
    expect(axisDomain([0.1, 0.9])).toEqual([0, 1])
    expect(axisDomain([10, 20])).toEqual([9.6, 20.4])
    expect(axisDomain([3, 3])).toEqual([2, 4])
    expect(axisDomain([])).toEqual([0, 1])
  })

  it('picks round ticks', () => {
    expect(niceTicks([0, 1], 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(niceTicks([0, 0.37], 4)).toEqual([0, 0.1, 0.2, 0.3])
  })
})

describe('curveGeometry', () => {
  const roc: CurveItem = {
    kind: 'curve',
    name: 'roc_curve',
    title: 'ROC curve',
    x_label: 'false positive rate',
    y_label: 'true positive rate',
    lines: [
      { name: 'current', x: [0, 0.5, 1], y: [0, 0.75, 1] },
      { name: 'reference', x: [0, NaN, 1], y: [0, 0.5, 1] },
    ],
  }

  it('scales points into the plot, y upwards', () => {
    const geometry = curveGeometry(roc, { width: 100, height: 200 })
    expect(geometry.paths[0]).toEqual({ name: 'current', d: 'M0.0,200.0L50.0,50.0L100.0,0.0' })
    expect(geometry.diagonal).toBe(true)
  })

  it('breaks a line at a missing point', () => {
    const geometry = curveGeometry(roc, { width: 100, height: 200 })
    expect(geometry.paths[1]?.d).toBe('M0.0,200.0M100.0,0.0')
  })

  it('draws no diagonal for curves where it means nothing', () => {
    const pr = { ...roc, name: 'pr_curve', title: 'Precision-recall' }
    expect(curveGeometry(pr, { width: 1, height: 1 }).diagonal).toBe(false)
  })
})

describe('matrix shading', () => {
  const confusion: MatrixItem = { kind: 'matrix', name: 'cm', row_labels: ['0', '1'], column_labels: ['0', '1'], values: [[50, 10], [5, 100]] }

  it('shades by share of the largest value', () => {
    const shading = matrixShading(confusion)
    expect(shading).toEqual({ extent: 100, diverging: false })
    expect(cellStrength(100, shading)).toBe(85)
    expect(cellStrength(50, shading)).toBe(43)
    expect(cellStrength(NaN, shading)).toBe(0)
  })

  it('is diverging when values go below zero', () => {
    const change = { ...confusion, values: [[0, -0.4], [0.2, 0]] }
    expect(matrixShading(change)).toEqual({ extent: 0.4, diverging: true })
  })
})
