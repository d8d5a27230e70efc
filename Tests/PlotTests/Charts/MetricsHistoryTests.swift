import Foundation
import Testing

@testable import Plot

@Suite struct MetricsHistoryTests {
  @Test func parsesAllColumnsAndMissingCells() throws {
    let csv = """
      epoch,train_loss,val_loss,val_dice,seconds,lr
      0,1.20,,,40.5,1e-4
      1,0.90,0.95,0.41,39.8,9e-5
      2,0.80,,,40.1,8e-5
      """
    let h = try MetricsHistory.parse(csv: csv)
    #expect(h.epochs == [0, 1, 2])
    #expect(h.trainLoss == [1.2, 0.9, 0.8])
    #expect(h.valLoss[0].isNaN && h.valLoss[1] == 0.95 && h.valLoss[2].isNaN)
    #expect(h.valDice[1] == 0.41)
    #expect(h.seconds == [40.5, 39.8, 40.1])
    #expect(h.learningRate[0] == 1e-4)
  }

  @Test func toleratesMissingColumnsReorderingAndExtras() throws {
    let csv = "lr, Train_Loss ,dice_liver,extra\n0.01,2.0,0.5,x\n0.005,1.5,0.6,y\n"
    let h = try MetricsHistory.parse(csv: csv)
    #expect(h.epochs == [1, 2])  // numbered from 1 when there is no epoch column
    #expect(h.trainLoss == [2.0, 1.5])
    #expect(h.learningRate == [0.01, 0.005])
    #expect(h.valDice.allSatisfy { $0.isNaN })
    #expect(h.seconds.allSatisfy { $0.isNaN })
  }

  @Test func shortRowsAndNanTextAreMissing() throws {
    let h = try MetricsHistory.parse(csv: "epoch,train_loss,val_dice\n1,nan\n2,0.5,0.7\n")
    #expect(h.trainLoss[0].isNaN && h.valDice[0].isNaN && h.valDice[1] == 0.7)
  }

  @Test func unknownHeaderAndMissingFileAreErrors() {
    #expect(throws: PlotError.self) { try MetricsHistory.parse(csv: "a,b\n1,2\n") }
    #expect(throws: PlotError.self) { try MetricsHistory.parse(csv: "") }
    #expect { try MetricsHistory.read(csvPath: "/nonexistent/metrics.csv") } throws: {
      ($0 as? PlotError)?.message.contains("/nonexistent/metrics.csv") == true
    }
  }
}
