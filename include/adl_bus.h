/* adl_bus.h: the bus service (SPI, I2C, parallel): settings, access descriptor, IOCtl
 * commands and transfers. oatemu has no bus devices yet: every call fails loudly. */
#ifndef ADL_BUS_H
#define ADL_BUS_H

#include "wm_types.h"
#include "adl_gpio.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ADL_BUS_ID_SPI = 0,
    ADL_BUS_ID_I2C,
    ADL_BUS_ID_PARALLEL
} adl_busID_e;

/* SPI settings (the Settings of adl_busSubscribe for ADL_BUS_ID_SPI). */
typedef enum {
    ADL_BUS_SPI_CLK_MODE_0 = 0,
    ADL_BUS_SPI_CLK_MODE_1,
    ADL_BUS_SPI_CLK_MODE_2,
    ADL_BUS_SPI_CLK_MODE_3
} adl_busSPI_Clk_Mode_e;
typedef enum {
    ADL_BUS_SPI_ADDR_CS_GPIO = 0,
    ADL_BUS_SPI_ADDR_CS_HARD,
    ADL_BUS_SPI_ADDR_CS_NONE
} adl_busSPI_ChipSelect_e;
typedef enum { ADL_BUS_SPI_CS_POL_LOW = 0, ADL_BUS_SPI_CS_POL_HIGH } adl_busSPI_ChipSelectPolarity_e;
typedef enum { ADL_BUS_SPI_MSB_FIRST = 0, ADL_BUS_SPI_LSB_FIRST } adl_busSPI_LsbFirst_e;
typedef enum { ADL_BUS_SPI_LOAD_UNUSED = 0, ADL_BUS_SPI_LOAD_USED } adl_busSPI_LoadSignal_e;
typedef enum { ADL_BUS_SPI_DATA_UNIDIR = 0, ADL_BUS_SPI_DATA_BIDIR } adl_busSPI_DataLinesConf_e;
typedef enum { ADL_BUS_SPI_MASTER_MODE = 0, ADL_BUS_SPI_SLAVE_MODE } adl_busSPI_MasterMode_e;
typedef enum { ADL_BUS_SPI_BUSY_UNUSED = 0, ADL_BUS_SPI_BUSY_USED } adl_busSPI_BusySignal_e;

typedef struct {
    u32 Clk_Speed;                                  /* SPI clock = maximum / (1 + Clk_Speed) */
    adl_busSPI_Clk_Mode_e Clk_Mode;
    adl_busSPI_ChipSelect_e ChipSelect;
    adl_busSPI_ChipSelectPolarity_e ChipSelectPolarity;
    adl_busSPI_LsbFirst_e LsbFirst;
    adl_ioDefs_t GpioChipSelect;                    /* with ADL_BUS_SPI_ADDR_CS_GPIO */
    adl_busSPI_LoadSignal_e LoadSignal;
    adl_busSPI_DataLinesConf_e DataLinesConf;
    adl_busSPI_MasterMode_e MasterMode;
    adl_busSPI_BusySignal_e BusySignal;
} adl_busSPISettings_t;

/* I2C settings. */
typedef enum {
    ADL_BUS_I2C_CLK_STD = 0,    /* 100 kHz */
    ADL_BUS_I2C_CLK_FAST,       /* 400 kHz */
    ADL_BUS_I2C_CLK_HIGH        /* 3.4 MHz */
} adl_busI2C_Clk_Speed_e;
typedef enum { ADL_BUS_I2C_ADDR_7_BITS = 0, ADL_BUS_I2C_ADDR_10_BITS } adl_busI2C_AddrLength_e;
typedef enum { ADL_BUS_I2C_MASTER_MODE = 0, ADL_BUS_I2C_SLAVE_MODE } adl_busI2C_MasterMode_e;

typedef struct {
    u32 ChipAddress;                     /* 7-bit slave address, right-aligned */
    adl_busI2C_Clk_Speed_e Clk_Speed;
    adl_busI2C_AddrLength_e AddrLength;
    adl_busI2C_MasterMode_e MasterMode;
} adl_busI2CSettings_t;

/* Parallel bus settings. */
typedef enum {
    ADL_BUS_PARALLEL_WIDTH_8_BITS = 0,
    ADL_BUS_PARALLEL_WIDTH_16_BITS
} adl_busParallelWidth_e;
typedef enum {
    ADL_BUS_PARALLEL_MODE_ASYNC_INTEL = 0,
    ADL_BUS_PARALLEL_MODE_ASYNC_MOTOROLA
} adl_busParallelMode_e;
typedef enum { ADL_BUS_PARA_CS_TYPE_CS = 0 } adl_busParallelCsType_e;

typedef struct {
    u32 AccessTime;
    u32 SetupTime;
    u32 HoldTime;
    u32 TurnaroundTime;
    u32 OpToOpTurnaroundTime;
} adl_busParallelTimingCfg_t;

typedef struct {
    adl_busParallelCsType_e Type;
    u32 Id;
} adl_busParallelCs_t;

typedef struct {
    adl_busParallelWidth_e Width;
    adl_busParallelMode_e Mode;
    adl_busParallelTimingCfg_t ReadCfg;
    adl_busParallelTimingCfg_t WriteCfg;
    adl_busParallelCs_t Cs;
    u32 AdressPin;                /* address line that selects data or index register */
} adl_busParallelSettings_t;

/* Sent before the data phase, most significant bits first (sizes set by IOCtl). */
typedef struct {
    u32 Address;
    u32 Opcode;                   /* SPI only */
} adl_busAccess_t;

typedef enum {
    ADL_BUS_CMD_SET_ADD_SIZE = 0,     /* Param: u32 * bits of Address sent */
    ADL_BUS_CMD_SET_OP_SIZE,          /* Param: u32 * bits of Opcode sent */
    ADL_BUS_CMD_SET_DATA_SIZE,        /* Param: u32 * bits per data item */
    ADL_BUS_CMD_SET_ASYNC_MODE,       /* Param: adl_busEvt_t * */
    ADL_BUS_CMD_PARA_GET_ADDRESS      /* Param: u32 * address of the chip-select window */
} adl_busIoCtlCmd_e;

/* Asynchronous mode: the IRQ handles (adl_irq.h) called at the end of a transfer. */
typedef struct {
    s32 LowLevelIrqHandle;
    s32 HighLevelIrqHandle;
} adl_busEvt_t;

typedef struct {
    s32 Result;                   /* OK on success */
} adl_busAsyncInfo_t;

s32 adl_busSubscribe(adl_busID_e BusId, u32 Instance, void *Settings);
s32 adl_busUnsubscribe(s32 Handle);
s32 adl_busIOCtl(s32 Handle, adl_busIoCtlCmd_e Cmd, void *Param);
s32 adl_busRead(s32 Handle, adl_busAccess_t *Access, u32 DataLen, void *Data);
s32 adl_busWrite(s32 Handle, adl_busAccess_t *Access, u32 DataLen, void *Data);
s32 adl_busReadExt(s32 Handle, adl_busAccess_t *Access, u32 DataLen, void *Data, void *Context);
s32 adl_busWriteExt(s32 Handle, adl_busAccess_t *Access, u32 DataLen, void *Data, void *Context);

#ifdef __cplusplus
}
#endif

#endif
